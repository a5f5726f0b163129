import type { Pool, PoolClient } from 'pg';
import type { ProjectionName } from './projection-names';

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
  if (rows[0]?.dropped_at) {
    throw new Error(
      `${projection} version ${version} was dropped; version numbers are never reused`,
    );
  }
}

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
export async function withVersionLock<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await lockProjectionVersions(client);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The version lifecycle of a Postgres projection whose version is one schema of tables and
 * whose readers only need the registry row: create and register a version, point readers at
 * one, and on first start make version 1 and point readers at it.
 */
export function postgresVersions(projection: ProjectionName, ddlOf: (version: number) => string[]) {
  const ensureVersion = (pool: Pool, version: number): Promise<void> =>
    withVersionLock(pool, async (client) => {
      for (const statement of ddlOf(version)) await client.query(statement);
      await registerVersion(client, projection, version);
    });
  const activate = (pool: Pool, version: number): Promise<void> =>
    withVersionLock(pool, (client) => setReaderVersion(client, projection, version));
  /** First start: version 1 exists and readers use it. Later starts change nothing. */
  const ensureReadable = async (pool: Pool): Promise<number> => {
    const current = await readerVersion(pool, projection);
    if (current !== undefined) {
      await ensureVersion(pool, current);
      return current;
    }
    await ensureVersion(pool, 1);
    await activate(pool, 1);
    return 1;
  };
  return { ensureVersion, activate, ensureReadable };
}
