import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import {
  createDeadLetterPublisher,
  createEventAppender,
  createEventCodec,
  createKafka,
} from '@chat/events';
import { createLogger, type Logger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { type ProjectionName, PROJECTIONS, timelineTablesOf, viewVersions } from '@chat/views';
import { inboxProjection } from './inbox/inbox-projection';
import { createLivePublisher } from './live/live-publisher';
import { presenceProjection } from './presence/presence-projection';
import { createPushDispatcher, type PushDispatcher } from './push/push-dispatcher';
import { pushProjection } from './push/push-projection';
import type { PushProvider } from './push/push-provider';
import { webPushProvider } from './push/web-push-provider';
import { searchProjection } from './search/search-projection';
import { cassandraProjectionLane } from './runtime/cassandra-projection-runner';
import {
  postgresProjectionLane,
  type PostgresProjection,
} from './runtime/postgres-projection-runner';
import { runLanesByStoreAndLag } from './runtime/projection-consumer';
import type { ProjectionLane } from './runtime/projection-lane';
import { PostgresProjectionStore } from './runtime/postgres-store';
import { redisProjectionLane } from './runtime/redis-projection-runner';
import { timelineProjection } from './timeline/timeline-projection';

export interface StartProjectionsOptions {
  /** Which projections to run; all by default. */
  only?: ProjectionName[];
  /** A version per projection (a rebuild runs a new one); the readers' version by default. */
  versions?: Partial<Record<ProjectionName, number>>;
  logger?: Logger;
  /** How the notifier reaches devices: Web Push with the configured VAPID keys by default. */
  pushProvider?: PushProvider;
  /** The app's connections, left open on stop; without them the projections open their own. */
  clients?: ProjectionClients;
}

/**
 * Connections several runs may share. The presence runner's Redis connection is never among
 * them: its WATCH belongs to the connection, so each run opens its own.
 */
export interface ProjectionClients {
  kafka: Kafka;
  pool: Pool;
  cassandra: Client;
  /** Auto-pipelined: live news and the push dispatcher's reads. */
  redis: Redis;
}

export interface RunningProjections {
  /** The version each started projection runs. */
  versions: Partial<Record<ProjectionName, number>>;
  /** True once every consumer joined its group. */
  readonly ready: boolean;
  /** Finishes the batches in hand, then closes every connection. */
  stop(): Promise<void>;
}

/**
 * Starts the projections asked for, each in its own lane (its own store, position and
 * parking); caught-up lanes writing to the same store share a consumer group (see
 * runLanesByStoreAndLag). Plain
 * functions, no framework: the projectors app runs this, and so do tools and tests that need
 * projections in a process of their own.
 */
export async function startProjections(
  config: Config,
  options: StartProjectionsOptions = {},
): Promise<RunningProjections> {
  const logger = options.logger ?? createLogger('projectors', config.logLevel);
  const wanted = (name: ProjectionName) => !options.only || options.only.includes(name);
  const shared = options.clients;
  const { kafka, pool, cassandra, redis: liveRedis } = shared ?? ownClients(config, logger);
  const codec = createEventCodec({ registryUrl: config.registry.value });
  const deadLetters = createDeadLetterPublisher({ kafka, logger });
  // WATCH belongs to a connection, and the presence runner's must be its own.
  const redis = createRedis(config, { logger });
  const live = createLivePublisher(liveRedis, pool, logger);
  const keyspace = config.cassandra.keyspace;
  const lanes: ProjectionLane[] = [];
  // One store for the Postgres lanes: a consumer applies a batch to all of them in one transaction.
  const postgres = new PostgresProjectionStore(pool);
  const versions: RunningProjections['versions'] = {};
  const dispatchers: PushDispatcher[] = [];
  const appender = createEventAppender({ kafka, codec, logger });

  /** The version asked for, or the readers' (made on first start), with its tables made. */
  async function versionToRun(name: ProjectionName): Promise<number> {
    const requested = options.versions?.[name];
    const lifecycle = viewVersions(name, { pool, cassandra, keyspace });
    if (requested === undefined) return (versions[name] = await lifecycle.ensureReadable());
    await lifecycle.create(requested);
    return (versions[name] = requested);
  }

  /** A Postgres projection at the version to run. */
  async function startPostgres(
    name: typeof PROJECTIONS.inbox | typeof PROJECTIONS.search | typeof PROJECTIONS.push,
    projectionOf: (version: number) => PostgresProjection,
  ): Promise<number> {
    const version = await versionToRun(name);
    lanes.push(
      postgresProjectionLane({
        kafka,
        codec,
        deadLetters,
        pool,
        store: postgres,
        logger,
        projection: projectionOf(version),
      }),
    );
    return version;
  }

  const closeClients = async () => {
    await appender.disconnect();
    redis.disconnect();
    if (shared) return;
    await Promise.all([pool.end(), cassandra.shutdown()]);
    liveRedis.disconnect();
  };
  let runner: Awaited<ReturnType<typeof runLanesByStoreAndLag>>;
  try {
    if (wanted(PROJECTIONS.inbox)) {
      await startPostgres(PROJECTIONS.inbox, inboxProjection);
    }
    if (wanted(PROJECTIONS.search)) {
      await startPostgres(PROJECTIONS.search, (version) => searchProjection(version));
    }
    if (wanted(PROJECTIONS.push)) {
      const version = await startPostgres(PROJECTIONS.push, pushProjection);
      // Every running version dispatches: the shared ledger lets each push out only once.
      dispatchers.push(
        createPushDispatcher({
          pool,
          redis: liveRedis, // reads only; the presence runner's connection holds its WATCH
          log: appender,
          provider: options.pushProvider ?? webPushProvider(config.push.vapid),
          version,
          settings: config.push,
          logger: logger.child({ component: 'push-dispatcher' }),
        }),
      );
    }
    if (wanted(PROJECTIONS.timeline)) {
      const version = await versionToRun(PROJECTIONS.timeline);
      const tables = timelineTablesOf(keyspace, version);
      lanes.push(
        cassandraProjectionLane({
          kafka,
          codec,
          deadLetters,
          pool,
          cassandra,
          keyspace,
          logger,
          projection: timelineProjection(cassandra, tables, version, live),
        }),
      );
    }

    if (wanted(PROJECTIONS.presence)) {
      const version = await versionToRun(PROJECTIONS.presence);
      lanes.push(
        redisProjectionLane({
          kafka,
          codec,
          deadLetters,
          pool,
          redis,
          logger,
          projection: presenceProjection(version, live),
        }),
      );
    }

    runner = await runLanesByStoreAndLag(lanes, {
      kafka,
      codec,
      deadLetters,
      logger,
      group: config.kafka.consumer,
      partitionsAtOnce: config.kafka.topicPartitions,
    });
    await runner.start();
  } catch (error) {
    // A version dropped while it was being started, a store down: nothing opened here is left
    // behind for the caller to forget.
    await closeClients().catch(() => undefined);
    throw error;
  }
  for (const dispatcher of dispatchers) dispatcher.start();
  return {
    versions,
    get ready() {
      return runner.ready;
    },
    async stop() {
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.stop()));
      await runner.stop();
      await closeClients();
    },
  };
}

/** The connections of a run on its own (a tool, a test): closed when it stops. */
function ownClients(config: Config, logger: Logger): ProjectionClients {
  return {
    kafka: createKafka(
      { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-projectors` },
      logger,
    ),
    pool: createPgPool(config, { max: 10, logger }),
    cassandra: createCassandraClient(config, { logger }),
    redis: createRedis(config, { autoPipelining: true, logger }),
  };
}
