import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { createTokenVerifier } from '@chat/auth';
import type { Config } from '@chat/config';
import { commandEventLog, CommandConnections, CommandsModule, type EventLog } from '@chat/commands';
import { createEventAppender, createEventCodec, createKafka } from '@chat/events';
import { createLogger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis, ObjectStore } from '@chat/storage';
import { AuthGuard, TOKEN_VERIFIER } from './auth/auth.guard';
import { CONFIG, DevTokensController } from './auth/dev-tokens.controller';
import { ConversationsController } from './conversations/conversations.controller';
import { MessagesController } from './conversations/messages.controller';
import { ReceiptsController } from './conversations/receipts.controller';
import { ProblemFilter } from './http/problem.filter';
import { mediaController } from './media/media.controller';
import { UploadSweeper } from './media/upload-sweeper';
import { PresenceSettingsController } from './presence/presence-settings.controller';
import { PushController } from './push/push.controller';
import { EVENT_LOG, OBJECT_STORE, PG_POOL, REDIS } from './log/tokens';
import { RateLimitGuard, USER_READ_LIMIT } from './rate-limit/rate-limit.guard';
import { CASSANDRA, ReadsController } from './reads/reads.controller';
import { LongPolls } from './reads/long-poll';
import { ProjectedNews } from './reads/projected-news';
import { ChatQueries } from '@chat/views';
import type { Client } from 'cassandra-driver';
import { createTokenBucket } from '@chat/commands';

/** The command API: authenticated, rate-limited commands, decided and appended to Kafka. */
export function commandApiModule(config: Config): DynamicModule {
  const logger = createLogger('command-api', config.logLevel);
  const kafka = createKafka(
    { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-command-api` },
    logger,
  );

  const providers: Provider[] = [
    { provide: CONFIG, useValue: config },
    { provide: PG_POOL, useFactory: () => createPgPool(config, { max: 20, logger }) },
    { provide: REDIS, useFactory: () => createRedis(config, { autoPipelining: true, logger }) },
    { provide: OBJECT_STORE, useFactory: () => ObjectStore.fromConfig(config) },
    {
      // Kafka may be down when the app starts: it connects on first use, and until then
      // commands answer 503 and readiness says which dependency is missing.
      provide: EVENT_LOG,
      useFactory: () =>
        commandEventLog(
          config,
          kafka,
          createEventAppender({
            kafka,
            codec: createEventCodec({ registryUrl: config.registry.value }),
            logger,
          }),
        ),
    },
    {
      provide: CommandConnections,
      inject: [PG_POOL, REDIS, EVENT_LOG, OBJECT_STORE],
      useFactory: (pool: Pool, redis: Redis, log: EventLog, objects: ObjectStore) =>
        ({ config, pool, redis, log, objects }) satisfies CommandConnections,
    },
    { provide: TOKEN_VERIFIER, useValue: createTokenVerifier(config.auth) },
    {
      provide: USER_READ_LIMIT,
      inject: [REDIS],
      useFactory: (redis: Redis) =>
        createTokenBucket(redis, {
          ratePerSecond: config.gateway.readRatePerSecond,
          burst: config.gateway.readRateBurst,
          prefix: 'chat:read-rate:',
        }),
    },
    { provide: CASSANDRA, useFactory: () => createCassandraClient(config, { logger }) },
    {
      provide: ChatQueries,
      inject: [PG_POOL, CASSANDRA, REDIS],
      useFactory: (pool: Pool, cassandra: Client, redis: Redis) =>
        new ChatQueries({ pool, cassandra, keyspace: config.cassandra.keyspace, redis }),
    },
    // Order matters: who you are, then whether you still have budget for reads.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: LongPolls, useValue: new LongPolls(config.limits.maxLongPollsPerUser) },
    ProjectedNews,
    UploadSweeper,
  ];

  @Module({})
  class CommandApiModule implements OnApplicationShutdown {
    constructor(
      @Inject(EVENT_LOG) private readonly log: EventLog,
      @Inject(PG_POOL) private readonly pool: Pool,
      @Inject(REDIS) private readonly redis: Redis,
      @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
      @Inject(CASSANDRA) private readonly cassandra: Client,
    ) {}

    async onApplicationShutdown() {
      await this.log.close();
      await this.pool.end().catch(() => undefined);
      this.redis.disconnect();
      this.objects.close();
      await this.cassandra.shutdown().catch(() => undefined);
    }
  }

  return {
    module: CommandApiModule,
    // Global so that the commands module finds the connections it is given.
    global: true,
    exports: [CommandConnections],
    imports: [CqrsModule.forRoot(), CommandsModule],
    controllers: [
      ConversationsController,
      MessagesController,
      ReceiptsController,
      PresenceSettingsController,
      PushController,
      mediaController(config.media),
      ReadsController,
      ...(config.auth.devTokens ? [DevTokensController] : []),
    ],
    providers,
  };
}
