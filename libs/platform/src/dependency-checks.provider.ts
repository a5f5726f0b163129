import type { Provider } from '@nestjs/common';
import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import type { ObjectStore } from '@chat/storage';
import { CONFIG } from './config.module';
import { CASSANDRA, KAFKA, OBJECT_STORE, PG_POOL, REDIS } from './connections';
import { dependencyChecks, type DependencyCheck, type DependencyName } from './dependency-checks';

/** The checks readiness runs: `@Inject(DEPENDENCY_CHECKS) checks: DependencyCheck[]`. */
export const DEPENDENCY_CHECKS = Symbol('DEPENDENCY_CHECKS');

export const dependencyChecksProvider = (names: DependencyName[]): Provider<DependencyCheck[]> => ({
  provide: DEPENDENCY_CHECKS,
  inject: [CONFIG, PG_POOL, REDIS, CASSANDRA, KAFKA, OBJECT_STORE],
  useFactory: (
    config: Config,
    pool: Pool,
    redis: Redis,
    cassandra: Client,
    kafka: Kafka,
    objects: ObjectStore,
  ) => dependencyChecks({ config, pool, redis, cassandra, kafka, objects }, names),
});
