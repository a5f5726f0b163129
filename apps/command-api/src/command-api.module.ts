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
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createTokenVerifier } from '@chat/auth';
import type { Config } from '@chat/config';
import { createCommandHandling, type CommandHandling, type EventLog } from '@chat/commands';
import { createEventAppender, createEventCodec } from '@chat/events';
import type { Logger } from '@chat/observability';
import { CASSANDRA, KAFKA, LOGGER, OBJECT_STORE, PG_POOL, REDIS } from '@chat/platform';
import type { ObjectStore } from '@chat/storage';
import { AuthGuard, TOKEN_VERIFIER } from './auth/auth.guard';
import { DevTokensController } from './auth/dev-tokens.controller';
import {
  ExecuteConversationCommandHandler,
  SendMessageHandler,
} from './conversations/conversation-commands';
import { ConversationsController } from './conversations/conversations.controller';
import { MessagesController } from './conversations/messages.controller';
import { ReceiptsController } from './conversations/receipts.controller';
import { ProblemFilter } from './http/problem.filter';
import { mediaController } from './media/media.controller';
import { MediaService } from './media/media.service';
import { UploadSweeper } from './media/upload-sweeper';
import { PresenceSettingsController } from './presence/presence-settings.controller';
import { PushController } from './push/push.controller';
import { COMMAND_HANDLING, EVENT_LOG } from './log/tokens';
import { RateLimitGuard, USER_READ_LIMIT } from './rate-limit/rate-limit.guard';
import { ReadsController } from './reads/reads.controller';
import { LongPolls } from './reads/long-poll';
import { ProjectedNews } from './reads/projected-news';
import { ChatQueries } from '@chat/views';
import type { Client } from 'cassandra-driver';
import { createTokenBucket } from '@chat/commands';

const COMMAND_HANDLING_AND_LOG = Symbol('COMMAND_HANDLING_AND_LOG');

/** The command API: authenticated, rate-limited commands, decided and appended to Kafka. */
export function commandApiModule(config: Config): DynamicModule {
  const providers: Provider[] = [
    {
      // Kafka may be down when the app starts: it connects on first use, and until then
      // commands answer 503 and readiness says which dependency is missing.
      provide: COMMAND_HANDLING_AND_LOG,
      inject: [PG_POOL, REDIS, OBJECT_STORE, KAFKA, LOGGER],
      useFactory: (pool: Pool, redis: Redis, objects: ObjectStore, kafka: Kafka, logger: Logger) =>
        createCommandHandling(config, {
          pool,
          redis,
          kafka,
          objects,
          appender: createEventAppender({
            kafka,
            codec: createEventCodec({ registryUrl: config.registry.value }),
            logger,
          }),
        }),
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
    {
      provide: ChatQueries,
      inject: [PG_POOL, CASSANDRA, REDIS],
      useFactory: (pool: Pool, cassandra: Client, redis: Redis) =>
        new ChatQueries({ pool, cassandra, keyspace: config.cassandra.keyspace, redis }),
    },
    // Order matters: who you are, then whether you still have budget.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: LongPolls, useValue: new LongPolls(config.limits.maxLongPollsPerUser) },
    ProjectedNews,
    MediaService,
    UploadSweeper,
    ExecuteConversationCommandHandler,
    SendMessageHandler,
  ];

  /** The app's connections are closed by the platform, after this module's shutdown. */
  @Module({})
  class CommandApiModule implements OnApplicationShutdown {
    constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

    async onApplicationShutdown() {
      await this.log.close();
    }
  }

  return {
    module: CommandApiModule,
    imports: [CqrsModule.forRoot()],
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
