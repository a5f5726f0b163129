import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import { createCommandHandling, type CommandHandling, type EventLog } from '@chat/commands';
import { createEventAppender, createEventCodec, type EventAppender } from '@chat/events';
import type { Logger } from '@chat/observability';
import { CONFIG, KAFKA, LOGGER, OBJECT_STORE, PG_POOL, REDIS } from '@chat/platform';
import { createRedis, type ObjectStore } from '@chat/storage';

/**
 * A connection in subscriber mode takes no other command: the live channels have their own,
 * beside the app's shared one.
 */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
/** One producer for presence and commands: batching, acks=all, idempotent. */
export const EVENT_APPENDER = Symbol('EVENT_APPENDER');
/** The command API's own command handling, run in this process. */
export const COMMAND_HANDLING = Symbol('COMMAND_HANDLING');
export const EVENT_LOG = Symbol('EVENT_LOG');
const COMMAND_HANDLING_AND_LOG = Symbol('COMMAND_HANDLING_AND_LOG');

/**
 * Closes what the gateway opened beside the app's shared connections (which the platform
 * closes after this): the log flushed (the sessions' disconnects are presence events), and
 * the live channels' subscriber.
 */
@Injectable()
export class GatewayConnectionsShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  async onApplicationShutdown() {
    await this.log.close();
    this.subscriber.disconnect();
  }
}

/** The gateway's own connections: the live channels' subscriber, the log and its commands. */
export const connectionProviders: Provider[] = [
  {
    provide: REDIS_SUBSCRIBER,
    inject: [CONFIG, LOGGER],
    useFactory: (config: Config, logger: Logger) => createRedis(config, { logger }),
  },
  {
    provide: EVENT_APPENDER,
    inject: [CONFIG, KAFKA, LOGGER],
    useFactory: (config: Config, kafka: Kafka, logger: Logger) =>
      createEventAppender({
        kafka,
        codec: createEventCodec({ registryUrl: config.registry.value }),
        logger,
      }),
  },
  {
    // Kafka may be down when the app starts: it connects on first use, and until then
    // commands answer 503 and readiness says which dependency is missing.
    provide: COMMAND_HANDLING_AND_LOG,
    inject: [CONFIG, PG_POOL, REDIS, KAFKA, EVENT_APPENDER, OBJECT_STORE],
    useFactory: (
      config: Config,
      pool: Pool,
      redis: Redis,
      kafka: Kafka,
      appender: EventAppender,
      objects: ObjectStore,
    ) => createCommandHandling(config, { pool, redis, kafka, appender, objects }),
  },
  {
    provide: COMMAND_HANDLING,
    inject: [COMMAND_HANDLING_AND_LOG],
    useFactory: (wired: { handling: CommandHandling }) => wired.handling,
  },
  {
    provide: EVENT_LOG,
    inject: [COMMAND_HANDLING_AND_LOG],
    useFactory: (wired: { log: EventLog }) => wired.log,
  },
  GatewayConnectionsShutdown,
];
