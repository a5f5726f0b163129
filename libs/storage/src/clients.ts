import { Client as CassandraClient } from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import type { Config } from '@chat/config';

/** Client factories: the only places that turn configuration into storage connections. */
export function createPgPool(config: Config, options: { max?: number } = {}): Pool {
  return new Pool({ connectionString: config.postgres.value, max: options.max ?? 10 });
}

export function createCassandraClient(
  config: Config,
  options: { keyspace?: string } = {},
): CassandraClient {
  return new CassandraClient({
    contactPoints: config.cassandra.value,
    localDataCenter: config.cassandra.localDataCenter,
    keyspace: options.keyspace,
    socketOptions: { connectTimeout: 5000, readTimeout: 12000 },
  });
}

/**
 * `autoPipelining` sends the commands issued in one turn of the event loop in one write: under
 * load, the sends of many requests share their round trips to Redis. For connections that
 * serve concurrent requests; not for one holding a WATCH or a subscription.
 */
export function createRedis(config: Config, options: { autoPipelining?: boolean } = {}): Redis {
  return new Redis(config.redis.value, {
    maxRetriesPerRequest: 3,
    enableReadyCheck: true,
    enableAutoPipelining: options.autoPipelining ?? false,
  });
}
