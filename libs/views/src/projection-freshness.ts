import type { Pool } from 'pg';
import type { LogAdmin } from '@chat/events';
import { readerVersion } from './projection-versions';
import { versionKey, type ProjectionName } from './projection-names';
import { postgresPositionsOf } from './projection-positions';

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
    const positions = await postgresPositionsOf(pool, key, topic);
    const behind = ends.filter(
      ({ partition, high }) => (positions.get(partition) ?? 0n) < BigInt(high),
    );
    if (behind.length === 0) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
