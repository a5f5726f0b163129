import type { Pool } from 'pg';
import type { LogAdmin } from '@chat/events';
import { readerVersion } from './projection-versions';
import { versionKey, type ProjectionName } from './projection-names';

/**
 * Waits until the version readers use has projected every event that was in the log when
 * the wait began. A "no" from a view (no such conversation, not a member) is only trusted
 * after this: the user may be acting on an event the projector has not reached yet.
 */
export async function waitForProjection(
  options: { pool: Pool; admin: LogAdmin; projection: ProjectionName; topic: string },
  deadlineMs: number,
): Promise<boolean> {
  const { pool, admin, projection, topic } = options;
  const until = Date.now() + deadlineMs;
  const [version, ends] = await Promise.all([
    readerVersion(pool, projection),
    admin.partitionOffsets(topic),
  ]);
  if (version === undefined) return false;
  const key = versionKey(projection, version);
  for (;;) {
    const { rows } = await pool.query<{ partition: number; next_offset: string }>(
      'SELECT partition, next_offset FROM projection_positions WHERE projection = $1 AND topic = $2',
      [key, topic],
    );
    const positions = new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
    const behind = ends.filter(
      ({ partition, high }) => (positions.get(partition) ?? 0n) < BigInt(high),
    );
    if (behind.length === 0) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
