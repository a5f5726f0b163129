import type { Provider } from '@nestjs/common';
import type { Client } from 'cassandra-driver';
import type { Config } from '@chat/config';
import type { Logger } from '@chat/observability';
import { createCassandraClient } from '@chat/storage';
import { CONFIG } from '../config.module';
import { LOGGER } from '../logger.module';

/** The app's Cassandra client (no keyspace: queries name theirs): `@Inject(CASSANDRA)`. */
export const CASSANDRA = Symbol('CASSANDRA');

export const cassandraProvider: Provider<Client> = {
  provide: CASSANDRA,
  inject: [CONFIG, LOGGER],
  useFactory: (config: Config, logger: Logger) => createCassandraClient(config, { logger }),
};
