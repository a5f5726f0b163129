import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

const names = new Map<string, string>();

/**
 * Runs a statement as a named prepared statement: Postgres parses and plans it once per
 * connection instead of on every call. For the statements the projections run per batch
 * (unnest-array upserts whose text never changes) that is most of Postgres's CPU per
 * statement (the figures are in docs/benchmarks.md).
 *
 * Only for statements with a fixed result shape: `SELECT *` from a table that may gain columns
 * would fail with "cached plan must not change result type" on a connection that prepared it.
 */
export function preparedQuery<R extends QueryResultRow = QueryResultRow>(
  db: Pick<Pool | PoolClient, 'query'>,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  let name = names.get(text);
  if (name === undefined) {
    name = `q${createHash('sha1').update(text).digest('hex').slice(0, 30)}`;
    names.set(text, name);
  }
  return db.query<R>({ name, text, values });
}
