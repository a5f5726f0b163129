import type { Client } from 'cassandra-driver';
import type { Pool, PoolClient } from 'pg';
import { PROJECTIONS, versionKey, type ProjectionName } from './projection-names';

/**
 * Where a projection version has read a topic up to, per partition (the next offset it will
 * apply). Each projection keeps its position next to its rows: Postgres for the inbox,
 * Cassandra for the timeline.
 */
export async function positionsOf(
  stores: { pool: Pool; cassandra: Client; keyspace: string },
  projection: Exclude<ProjectionName, 'presence'>,
  version: number,
  topic: string,
): Promise<Map<number, bigint>> {
  const key = versionKey(projection, version);
  if (projection === PROJECTIONS.timeline) {
    const result = await stores.cassandra.execute(
      `SELECT topic, partition, next_offset FROM ${stores.keyspace}.projection_positions
       WHERE projection = ?`,
      [key],
      { prepare: true },
    );
    return new Map(
      result.rows
        .filter((row) => row.topic === topic)
        .map((row) => [row.partition as number, BigInt(row.next_offset.toString())]),
    );
  }
  return postgresPositionsOf(stores.pool, key, topic);
}

/** The positions a Postgres-kept projection version (by version key) holds for a topic. */
export async function postgresPositionsOf(
  db: Pick<Pool | PoolClient, 'query'>,
  versionKey: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const { rows } = await db.query<{ partition: number; next_offset: string }>(
    'SELECT partition, next_offset FROM projection_positions WHERE projection = $1 AND topic = $2',
    [versionKey, topic],
  );
  return new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
}

/** Events of the topic the version has not applied yet, given the log's end offsets. */
export function lagOf(
  positions: Map<number, bigint>,
  ends: ReadonlyArray<{ partition: number; high: string }>,
): bigint {
  return ends.reduce((lag, { partition, high }) => {
    const behind = BigInt(high) - (positions.get(partition) ?? 0n);
    return behind > 0n ? lag + behind : lag;
  }, 0n);
}
