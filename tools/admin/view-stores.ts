import type { Config } from '@chat/config';
import { createKafka, createLogAdmin, TOPICS, type LogAdmin } from '@chat/events';
import { createLogger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import {
  lagOf,
  positionsOf,
  PresenceStore,
  presenceKeysOf,
  PROJECTIONS,
  type ProjectionName,
} from '@chat/views';

/** The topic each projection reads. */
export const TOPIC_OF: Record<ProjectionName, string> = {
  inbox: TOPICS.conversations,
  timeline: TOPICS.conversations,
  presence: TOPICS.presence,
  search: TOPICS.conversations,
  // It reads the notifications topic too; the conversations topic is where lag matters.
  push: TOPICS.conversations,
};

export const PROJECTION_NAMES = Object.values(PROJECTIONS) as ProjectionName[];

/** Connections to every store and the log, for the admin commands; `close` ends them all. */
export async function connectStores(config: Config) {
  const logger = createLogger('chat-admin', 'silent');
  const pool = createPgPool(config, { max: 4 });
  const cassandra = createCassandraClient(config);
  const redis = createRedis(config);
  const kafka = createKafka({ brokers: config.kafka.value, clientId: 'chat-admin' }, logger);
  let admin: LogAdmin;
  try {
    await Promise.all([pool.query('SELECT 1'), cassandra.connect(), redis.ping()]);
    admin = await createLogAdmin(kafka);
  } catch (error) {
    redis.disconnect();
    await Promise.all([pool.end(), cassandra.shutdown()]).catch(() => undefined);
    throw new Error(`a service is unreachable: ${(error as Error).message}`);
  }
  const keyspace = config.cassandra.keyspace;
  const stores = { pool, cassandra, keyspace };

  /** Where a version has read its topic up to, per partition. */
  async function positions(projection: ProjectionName, version: number) {
    if (projection === PROJECTIONS.presence) {
      return new PresenceStore(redis, presenceKeysOf(version)).positions(TOPIC_OF.presence);
    }
    return positionsOf(stores, projection, version, TOPIC_OF[projection]);
  }

  /** Events a version has applied: its next offsets summed over partitions. */
  const applied = async (projection: ProjectionName, version: number) =>
    [...(await positions(projection, version)).values()].reduce((sum, next) => sum + next, 0n);

  return {
    config,
    logger,
    pool,
    cassandra,
    redis,
    kafka,
    admin,
    keyspace,
    positions,
    applied,
    /** The end offsets of the projection's topic now. */
    ends: (projection: ProjectionName) => admin.partitionOffsets(TOPIC_OF[projection]),
    async lag(
      projection: ProjectionName,
      version: number,
      ends?: Array<{ partition: number; high: string }>,
    ) {
      return lagOf(await positions(projection, version), ends ?? (await this.ends(projection)));
    },
    async close() {
      await admin.disconnect().catch(() => undefined);
      redis.disconnect();
      await Promise.all([pool.end(), cassandra.shutdown()]).catch(() => undefined);
    },
  };
}

export type Stores = Awaited<ReturnType<typeof connectStores>>;
