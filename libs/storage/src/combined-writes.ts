import type { Pool, PoolClient } from 'pg';
import { preparedQuery } from './prepared-query';

/** One write: its SQL with parameters `$1`..`$n`, and their values. */
export interface Write {
  text: string;
  values: unknown[];
}

/** The write for a batch's rows of one table, or none when there are none. */
export const writeIf = (rows: readonly unknown[], write: () => Write): Write | null =>
  rows.length === 0 ? null : write();

/**
 * Runs several writes as one statement, each a data-modifying CTE: one round trip instead of
 * one per write. At low rates a projection batch is one event, and its round trips, not its
 * rows, are what it costs (each is a write and a read on both ends).
 *
 * Only for writes to different rows that need not see one another: every part of a statement
 * runs on the same snapshot, so a part does not see the rows another inserts, and two parts
 * changing one row is an error. A delete followed by a re-insert, or an update of a row just
 * inserted, stays a statement of its own. Parameters are renumbered, so the texts must hold no
 * `$` but their parameters (no dollar quoting).
 */
export async function writeTogether(
  db: Pick<Pool | PoolClient, 'query'>,
  writes: Array<Write | null>,
): Promise<void> {
  const present = writes.filter((write): write is Write => write !== null);
  if (present.length === 0) return;
  if (present.length === 1) {
    await preparedQuery(db, present[0]!.text, present[0]!.values);
    return;
  }
  let offset = 0;
  const parts = present.map((write, i) => {
    const shift = offset;
    offset += write.values.length;
    const text = write.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
    return `w${i} AS (${text})`;
  });
  // Data-modifying CTEs run to completion whether or not the query reads them.
  await preparedQuery(
    db,
    `WITH ${parts.join(',\n')} SELECT 1`,
    present.flatMap((write) => write.values),
  );
}
