import type { Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import type { Logger } from '@chat/observability';
import { createPgPool } from '@chat/storage';
import { CONFIG } from '../config.module';
import { LOGGER } from '../logger.module';
import { CONNECTION_OPTIONS, type ConnectionOptions } from './connection-options';

/** The app's Postgres pool: `@Inject(PG_POOL) pool: Pool`. */
export const PG_POOL = Symbol('PG_POOL');

export const postgresProvider: Provider<Pool> = {
  provide: PG_POOL,
  inject: [CONFIG, LOGGER, CONNECTION_OPTIONS],
  useFactory: (config: Config, logger: Logger, options: ConnectionOptions) =>
    createPgPool(config, { max: options.postgresPoolSize, logger }),
};
