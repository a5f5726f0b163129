import type { Pool, PoolClient } from 'pg';
import type { ProjectionName } from './projection-names';
import { inTransaction } from '@chat/storage';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/**
 * The registry of projection versions lives in Postgres for every projection, wherever its
 * rows live: one place to ask which versions exist and which one readers use.
 */

/** Serializes version changes across processes that start at the same time (in a transaction). */
export const lockProjectionVersions = (db: Queryable) =>
  db.query(`SELECT pg_advisory_xact_lock(hashtext('projection-versions'))`);

export async function registerVersion(
  db: Queryable,
  projection: ProjectionName,
  version: number,
): Promise<void> {
  await db.query(
    `INSERT INTO projection_versions (projection, version) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [projection, version],
  );
  const { rows } = await db.query<{ dropped_at: Date | null }>(
    'SELECT dropped_at FROM projection_versions WHERE projection = $1 AND version = $2',
    [projection, version],
  );
  if (rows[0]?.dropped_at) throw droppedError(projection, version);
}

/** Whether a version was dropped (its number is never used again). */
export async function isDropped(
  db: Queryable,
  projection: ProjectionName,
  version: number,
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM projection_versions
     WHERE projection = $1 AND version = $2 AND dropped_at IS NOT NULL`,
    [projection, version],
  );
  return rows.length > 0;
}

export const droppedError = (projection: ProjectionName, version: number) =>
  new Error(`${projection} version ${version} was dropped; version numbers are never reused`);

/** Points readers at a version. Call inside the transaction that repoints anything else. */
export async function setReaderVersion(
  db: Queryable,
  projection: ProjectionName,
  version: number,
): Promise<void> {
  await db.query(
    `INSERT INTO projection_readers (projection, version) VALUES ($1, $2)
     ON CONFLICT (projection) DO UPDATE SET version = EXCLUDED.version, switched_at = now()`,
    [projection, version],
  );
}

/** The version readers use, or undefined before the first activation. */
export async function readerVersion(
  db: Queryable,
  projection: ProjectionName,
): Promise<number | undefined> {
  const { rows } = await db.query<{ version: number }>(
    'SELECT version FROM projection_readers WHERE projection = $1',
    [projection],
  );
  return rows[0]?.version;
}

/** Runs `work` in a transaction holding the version lock. */
export function withVersionLock<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    await lockProjectionVersions(client);
    return work(client);
  });
}
