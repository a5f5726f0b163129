import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';
import { TOPICS } from '@chat/events';
import {
  inboxSchemaOf,
  lagOf,
  positionsOf,
  PROJECTIONS,
  timelineTablesOf,
  versionKey,
} from '@chat/views';

/** Views whose versions tests build side by side and compare. */
export const VIEWS = [PROJECTIONS.inbox, PROJECTIONS.timeline] as const;
export type ViewVersions = Record<(typeof VIEWS)[number], number>;
export type Stores = { pool: Pool; cassandra: Client; keyspace: string };

/** Versions of their own: fresh tables and consumer groups, as a rebuild gets. */
export function freshVersions(): ViewVersions {
  const version = () => 200000 + Math.floor(Math.random() * 1000000);
  return { inbox: version(), timeline: version() };
}

/** Events of the conversations topic each view has yet to apply, up to `ends`. */
export async function lagsOf(
  stores: Stores,
  versions: ViewVersions,
  ends: ReadonlyArray<{ partition: number; high: string }>,
) {
  const lags = await Promise.all(
    VIEWS.map(async (view) =>
      lagOf(await positionsOf(stores, view, versions[view], TOPICS.conversations), ends),
    ),
  );
  return Object.fromEntries(VIEWS.map((view, i) => [view, lags[i]!])) as Record<
    (typeof VIEWS)[number],
    bigint
  >;
}

export async function dropVersions(stores: Stores, versions: ViewVersions): Promise<void> {
  const { pool, cassandra, keyspace } = stores;
  await pool.query(`DROP SCHEMA IF EXISTS ${inboxSchemaOf(versions.inbox)} CASCADE`);
  const tables = timelineTablesOf(keyspace, versions.timeline);
  for (const table of Object.values(tables).filter((name) => name !== keyspace)) {
    await cassandra.execute(`DROP TABLE IF EXISTS ${table}`);
  }
  await pool.query(
    `DELETE FROM projection_versions WHERE (projection, version) IN (($1, $2), ($3, $4))`,
    [PROJECTIONS.inbox, versions.inbox, PROJECTIONS.timeline, versions.timeline],
  );
  await pool.query('DELETE FROM projection_positions WHERE projection = $1', [
    versionKey(PROJECTIONS.inbox, versions.inbox),
  ]);
  await cassandra.execute(
    `DELETE FROM ${keyspace}.projection_positions WHERE projection = ?`,
    [versionKey(PROJECTIONS.timeline, versions.timeline)],
    { prepare: true },
  );
}
