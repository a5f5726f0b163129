import type { ConsumedEvent, EventBatch } from '@chat/events';
import type { Pool, PoolClient } from 'pg';
import { beginAndLockPositions, movePositionsAndCommit } from './postgres-positions';
import { projectionMetrics, recordBatch } from './projection-metrics';

/**
 * What a Postgres lane brings to a batch it applies in one transaction with the other Postgres
 * lanes of its consumer (see applyLanesTogether).
 */
export interface PostgresLanePart {
  /** The version key, `inbox_v1`. */
  key: string;
  /** Lanes apply together only on the same pool (the same database). */
  pool: Pool;
  /**
   * Runs `task` in the lane's order for the batch's partition (no resume of a parked
   * conversation in between), with the batch's events minus those its parked conversations hold.
   */
  withFlowing<T>(batch: EventBatch, task: (flowing: ConsumedEvent[]) => Promise<T>): Promise<T>;
  /** Applies events inside the transaction; returns how many the rules ignored. */
  apply(db: PoolClient, events: ConsumedEvent[]): Promise<{ ignored: number }>;
}

/**
 * Applies one batch to every lane's view and moves every lane's position in one transaction:
 * one BEGIN-and-lock round trip and one commit for all of them instead of one each. The
 * guarantees are each lane's own: its position row is locked before its events are filtered
 * against it, and its rows and position commit together (with the others'), so no event is
 * applied twice or skipped. Anything thrown rolls back every lane; the caller then applies the
 * batch lane by lane, where a store's refusal parks a conversation in that lane only.
 */
export async function applyLanesTogether(
  parts: PostgresLanePart[],
  batch: EventBatch,
): Promise<void> {
  const pool = parts[0]!.pool;
  if (parts.some((part) => part.pool !== pool)) throw new Error('lanes on different pools');
  const timers = parts.map((part) =>
    projectionMetrics.batchSeconds.startTimer({ projection: part.key }),
  );
  await withAllFlowing(parts, batch, [], async (flowing) => {
    const client = await pool.connect();
    try {
      const keys = parts.map((part) => part.key);
      const positions = await beginAndLockPositions(client, keys, batch);
      const outcomes = [];
      for (const [i, part] of parts.entries()) {
        const next = positions.get(part.key)!;
        const fresh = flowing[i]!.filter((e) => BigInt(e.offset) >= next);
        const alreadyApplied = flowing[i]!.length - fresh.length;
        // Every event below the position: nothing to apply, and the position stays.
        const due = BigInt(batch.lastOffset) >= next;
        const { ignored } = due ? await part.apply(client, fresh) : { ignored: 0 };
        outcomes.push({ part, due, alreadyApplied, ignored, applied: fresh.length - ignored });
      }
      const moving = outcomes.filter((o) => o.due).map((o) => o.part.key);
      if (moving.length > 0) {
        await movePositionsAndCommit(client, moving, batch, BigInt(batch.lastOffset) + 1n);
      } else {
        await client.query('ROLLBACK');
      }
      for (const [i, { part, ...counts }] of outcomes.entries()) {
        recordBatch(part.key, batch, counts);
        const held = batch.events.length - flowing[i]!.length;
        projectionMetrics.events.inc({ projection: part.key, outcome: 'held' }, held);
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });
  for (const done of timers) done();
}

/** Each lane's flowing events, every lane's partition order held while the task runs. */
function withAllFlowing(
  parts: PostgresLanePart[],
  batch: EventBatch,
  flowing: ConsumedEvent[][],
  task: (flowing: ConsumedEvent[][]) => Promise<void>,
): Promise<void> {
  const part = parts[flowing.length];
  if (!part) return task(flowing);
  return part.withFlowing(batch, (mine) => withAllFlowing(parts, batch, [...flowing, mine], task));
}
