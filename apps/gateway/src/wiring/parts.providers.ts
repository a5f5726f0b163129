import type { Provider } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import type { EventAppender } from '@chat/events';
import type { Logger } from '@chat/observability';
import { CASSANDRA, CONFIG, EVENT_APPENDER, LOGGER, PG_POOL, REDIS } from '@chat/platform';
import { activePresenceAudience, ChatQueries, type ActivePresenceAudience } from '@chat/views';
import { Budgets } from '../limits/budgets';
import { SocketLimiter } from '../limits/socket-limiter';
import { TypingThrottle } from '../limits/typing-throttle';
import { LiveHub } from '../live/live-hub';
import { PresenceReporter } from '../presence/presence-reporter';
import { PresenceWatches } from '../presence/presence-watches';
import { TypingRelay } from '../presence/typing-relay';
import { SESSION_DEPS, type SessionDeps } from '../sessions/session-deps';
import { REDIS_SUBSCRIBER } from './connections.providers';

/** Who may see whose presence and typing, in the inbox version readers use. */
export const PRESENCE_AUDIENCE = Symbol('PRESENCE_AUDIENCE');

/** The gateway's parts, each built from the configuration and the connections it needs. */
export const partProviders: Provider[] = [
  {
    provide: ChatQueries,
    inject: [CONFIG, PG_POOL, CASSANDRA, REDIS],
    useFactory: (config: Config, pool: Pool, cassandra: Client, redis: Redis) =>
      new ChatQueries({ pool, cassandra, keyspace: config.cassandra.keyspace, redis }),
  },
  {
    provide: PRESENCE_AUDIENCE,
    inject: [PG_POOL],
    useFactory: (pool: Pool) => activePresenceAudience(pool),
  },
  {
    provide: PresenceWatches,
    inject: [ChatQueries, PRESENCE_AUDIENCE, LOGGER],
    useFactory: (queries: ChatQueries, audience: ActivePresenceAudience, logger: Logger) =>
      new PresenceWatches(queries, audience, logger),
  },
  {
    provide: LiveHub,
    inject: [CONFIG, REDIS_SUBSCRIBER, REDIS, PresenceWatches, LOGGER],
    useFactory: (
      config: Config,
      subscriber: Redis,
      publisher: Redis,
      watches: PresenceWatches,
      logger: Logger,
    ) => new LiveHub(subscriber, publisher, watches, logger, config.gateway.presenceRefreshMs),
  },
  {
    provide: Budgets,
    inject: [CONFIG],
    useFactory: ({ gateway: limits }: Config) =>
      new Budgets({
        read: { ratePerSecond: limits.readRatePerSecond, burst: limits.readRateBurst },
        typing: { ratePerSecond: limits.typingRatePerSecond, burst: limits.typingRateBurst },
        connect: { ratePerSecond: limits.connectRatePerSecond, burst: limits.connectRateBurst },
      }),
  },
  {
    provide: SocketLimiter,
    inject: [CONFIG],
    useFactory: (config: Config) => new SocketLimiter(config.gateway.maxSocketsPerUser),
  },
  {
    provide: TypingRelay,
    inject: [CONFIG, PRESENCE_AUDIENCE, REDIS, LiveHub],
    useFactory: (config: Config, audience: ActivePresenceAudience, redis: Redis, hub: LiveHub) =>
      new TypingRelay(
        audience,
        new TypingThrottle(redis, config.gateway.typingThrottleMs),
        (signal) => hub.publishTyping(signal),
      ),
  },
  {
    provide: PresenceReporter,
    inject: [EVENT_APPENDER, LOGGER],
    useFactory: (appender: EventAppender, logger: Logger) =>
      new PresenceReporter(appender, `gateway-${randomUUID().slice(0, 8)}`, logger),
  },
  {
    provide: SESSION_DEPS,
    inject: [ChatQueries, CommandBus, LOGGER, TypingRelay, Budgets, LiveHub],
    useFactory: (
      queries: ChatQueries,
      commands: CommandBus,
      logger: Logger,
      typing: TypingRelay,
      budgets: Budgets,
      hub: LiveHub,
    ): SessionDeps => ({
      queries,
      commands,
      logger,
      relayTyping: (conversationId, userId, connectionId) =>
        typing.relay(conversationId, userId, connectionId),
      refusal: (userId, type) => budgets.frameRefusal(userId, type),
      watchPresence: (session, userIds) => hub.watch(session, userIds),
      unwatchPresence: (session, userIds) => hub.unwatch(session, userIds),
    }),
  },
];
