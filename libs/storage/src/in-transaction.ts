import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` on one client of the pool inside BEGIN … COMMIT; rolls back and rethrows when it
 * fails. A rollback that fails too (the connection is gone) leaves the first error to tell.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
