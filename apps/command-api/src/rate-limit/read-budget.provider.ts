import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Config } from '@chat/config';
import { createTokenBucket, type TokenBucket } from '@chat/commands';
import { CONFIG, REDIS } from '@chat/platform';

/**
 * The budget of reads (GET), `@Inject(USER_READ_LIMIT)`: the same per-user rate as the
 * gateway's read frames, in a Redis bucket of its own beside the command budget.
 */
export const USER_READ_LIMIT = Symbol('USER_READ_LIMIT');

export const readBudgetProvider: Provider<TokenBucket> = {
  provide: USER_READ_LIMIT,
  inject: [CONFIG, REDIS],
  useFactory: (config: Config, redis: Redis) =>
    createTokenBucket(redis, {
      ratePerSecond: config.gateway.readRatePerSecond,
      burst: config.gateway.readRateBurst,
      prefix: 'chat:read-rate:',
    }),
};
