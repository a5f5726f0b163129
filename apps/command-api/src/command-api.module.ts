import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import { CommandsModule } from '@chat/commands';
import { CASSANDRA, PG_POOL, REDIS, tokenVerifierProvider } from '@chat/platform';
import { ChatQueries } from '@chat/views';
import { AuthGuard } from './auth/auth.guard';
import { DevTokensController } from './auth/dev-tokens.controller';
import { ConversationsController } from './conversations/conversations.controller';
import { MessagesController } from './conversations/messages.controller';
import { ReceiptsController } from './conversations/receipts.controller';
import { ProblemFilter } from './http/problem.filter';
import { mediaController } from './media/media.controller';
import { UploadSweeper } from './media/upload-sweeper';
import { PresenceSettingsController } from './presence/presence-settings.controller';
import { PushController } from './push/push.controller';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { readBudgetProvider } from './rate-limit/read-budget.provider';
import { ReadsController } from './reads/reads.controller';
import { LongPolls } from './reads/long-poll';
import { ProjectedNews } from './reads/projected-news';

/**
 * The command API: authenticated, rate-limited commands, decided and appended to Kafka, and
 * the reads of the views. It runs on the app's connections (libs/platform); commands go
 * through the one bus and pipeline every transport shares (libs/commands).
 */
export function commandApiModule(config: Config): DynamicModule {
  @Module({})
  class CommandApiModule {}

  return {
    module: CommandApiModule,
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
    providers: [
      tokenVerifierProvider,
      readBudgetProvider,
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
    ],
  };
}
