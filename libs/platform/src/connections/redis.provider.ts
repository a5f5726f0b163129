import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Config } from '@chat/config';
import type { Logger } from '@chat/observability';
import { createRedis } from '@chat/storage';
import { CONFIG } from '../config.module';
import { LOGGER } from '../logger.module';

/**
 * The app's shared Redis connection, auto-pipelined: for the many concurrent requests of the
 * app, never for a WATCH or a subscription (those need a connection of their own).
 */
export const REDIS = Symbol('REDIS');

export const redisProvider: Provider<Redis> = {
  provide: REDIS,
  inject: [CONFIG, LOGGER],
  useFactory: (config: Config, logger: Logger) =>
    createRedis(config, { autoPipelining: true, logger }),
};
