import { Client as CassandraClient, policies } from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import type { Config } from '@chat/config';
import { createLogger, type Logger } from '@chat/observability';

/**
 * Client factories: the only places that turn configuration into storage connections, and so
 * the one place per kind that makes a client ride out a restart of its server. A lost
 * connection is logged and replaced on next use; it never ends the process. Callers see the
 * outage as failed calls (which they retry or answer 503 to) and readiness names the server.
 */
export interface ClientOptions {
  /** The app's logger; a connection lost is logged there. */
  logger?: Logger;
}

const loggerFor = (config: Config, options: ClientOptions, component: string): Logger =>
  (options.logger ?? createLogger('storage', config.logLevel)).child({ component });

/**
 * A pg pool whose connections may die at any time (a restart of Postgres terminates every
 * backend with 57P01). An idle connection's error is re-emitted by the pool, and one checked
 * out emits it on the client: an 'error' event without a listener ends the process, so both
 * get one here. The dead connection is dropped (pg-pool does not reuse an unqueryable client)
 * and the next query opens a fresh one.
 */
export function createPgPool(config: Config, options: { max?: number } & ClientOptions = {}): Pool {
  const logger = loggerFor(config, options, 'pg');
  const pool = new Pool({
    connectionString: config.postgres.value,
    max: options.max ?? 10,
    // Without a limit a connect to a server that accepts but never answers waits forever,
    // holding the request (and a pool slot) with it.
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection lost'));
  pool.on('connect', (client) => {
    client.on('error', (error) =>
      logger.warn({ err: error }, 'Postgres connection lost; the pool replaces it'),
    );
  });
  return pool;
}

const PG_CONNECT_TIMEOUT_MS = 5000;

/**
 * The driver keeps a pool per host and reconnects on its own: while Cassandra is down, queries
 * fail with NoHostAvailableError and succeed again once a connection is back. Its default
 * policy doubles the wait between attempts up to 10 minutes, so after a minute's restart the
 * next attempt came a minute after Cassandra was back; here the wait stops growing at 5 s. It
 * emits no 'error' event; its own log is where it says it lost a host, forwarded at warning.
 */
export function createCassandraClient(
  config: Config,
  options: { keyspace?: string } & ClientOptions = {},
): CassandraClient {
  const logger = loggerFor(config, options, 'cassandra');
  const client = new CassandraClient({
    contactPoints: config.cassandra.value,
    localDataCenter: config.cassandra.localDataCenter,
    keyspace: options.keyspace,
    socketOptions: { connectTimeout: 5000, readTimeout: 12000 },
    policies: {
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(
        CASSANDRA_RECONNECT_BASE_MS,
        CASSANDRA_RECONNECT_MAX_MS,
        false,
      ),
    },
  });
  client.on('log', (level: string, className: string, message: string) => {
    if (level === 'warning' || level === 'error') logger.warn({ className }, message);
  });
  return client;
}

/**
 * `autoPipelining` sends the commands issued in one turn of the event loop in one write: under
 * load, the sends of many requests share their round trips to Redis. For connections that
 * serve concurrent requests; not for one holding a WATCH or a subscription.
 *
 * ioredis reconnects by itself (with a backoff up to 2 s) and, on a subscriber connection,
 * subscribes again to its channels (`autoResubscribe`). Meanwhile a command is retried over
 * three reconnections and then fails, so a caller hears of the outage in a few seconds instead
 * of waiting for it to end. The 'error' listener keeps each failed attempt a log line.
 */
export function createRedis(
  config: Config,
  options: {
    autoPipelining?: boolean;
    /**
     * False fails a command at once while disconnected instead of queueing it for the
     * reconnection: for a probe that must say "down" now, not once Redis is back.
     */
    offlineQueue?: boolean;
  } & ClientOptions = {},
): Redis {
  const logger = loggerFor(config, options, 'redis');
  const redis = new Redis(config.redis.value, {
    maxRetriesPerRequest: 3,
    enableReadyCheck: true,
    enableAutoPipelining: options.autoPipelining ?? false,
    autoResubscribe: true,
    enableOfflineQueue: options.offlineQueue ?? true,
    retryStrategy: (attempt) => Math.min(attempt * 100, REDIS_MAX_RECONNECT_DELAY_MS),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    // One line per outage, not one per reconnection attempt.
    if (!down) logger.warn({ err: error }, 'Redis connection lost; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis connection back');
    down = false;
  });
  return redis;
}

const REDIS_MAX_RECONNECT_DELAY_MS = 2000;
const CASSANDRA_RECONNECT_BASE_MS = 500;
const CASSANDRA_RECONNECT_MAX_MS = 5000;
