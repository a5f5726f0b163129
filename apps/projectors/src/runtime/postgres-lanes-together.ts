import type { ConsumedEvent, EventBatch } from '@chat/events';
import type { Pool, PoolClient } from 'pg';
import { batchWhileBusy } from '@chat/storage';
import {
  beginAndLockPositions,
  movePositionsAndCommit,
  positionId,
  type PositionRef,
} from './postgres-positions';
import { projectionMetrics, recordBatch } from './projection-metrics';

/**
 * What a Postgres lane brings to a batch it applies in one transaction with the other Postgres
 * lanes of its consumer (see createSharedTransactions).
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

/** A batch of one partition, for the lanes that read its topic. */
export interface LanesBatch {
  parts: PostgresLanePart[];
  batch: EventBatch;
}

export interface SharedTransactions {
  /** Resolves once the batch is applied and committed for every part; rejects if it was not. */
  apply(unit: LanesBatch): Promise<void>;
}

/**
 * Group commit for a consumer's Postgres lanes. The consumer hands over the batches of several
 * partitions at once; a batch that arrives while a transaction is running waits for it and
 * goes, with every other batch that arrived meanwhile, into the next one. So nothing waits on
 * a timer (alone, a batch starts at once), and under load the batches that queue behind one
 * another share one BEGIN, one set of writes per table and one commit.
 *
 * If a transaction throws, it rolled back every batch in it, and each of them rejects: the
 * caller applies it lane by lane, where a store's refusal parks a conversation in the refusing
 * lane only.
 */
export function createSharedTransactions(): SharedTransactions {
  const apply = batchWhileBusy(async (units: LanesBatch[]) => {
    await applyLanesTogether(units);
    return units.map(() => undefined);
  });
  return { apply };
}

/**
 * Applies batches of several partitions to every lane reading them, and moves every lane's
 * positions, in one transaction: one BEGIN-and-lock round trip, each lane's events of all the
 * batches applied in one go (their partitions hold different conversations, and each keeps its
 * log order), and one commit. The guarantees are each lane's own: its position rows are locked
 * before its events are filtered against them, and its rows and positions commit together, so
 * no event is applied twice or skipped.
 */
export async function applyLanesTogether(units: LanesBatch[]): Promise<void> {
  const pool = units[0]!.parts[0]!.pool;
  const pairs = units.flatMap(({ parts, batch }) => parts.map((part) => ({ part, batch })));
  if (pairs.some(({ part }) => part.pool !== pool)) throw new Error('lanes on different pools');
  const timers = [...new Set(pairs.map(({ part }) => part.key))].map((key) =>
    projectionMetrics.batchSeconds.startTimer({ projection: key }),
  );
  await withAllFlowing(pairs, [], async (flowing) => {
    const client = await pool.connect();
    try {
      const refOf = (i: number): PositionRef => ({
        key: pairs[i]!.part.key,
        topic: pairs[i]!.batch.topic,
        partition: pairs[i]!.batch.partition,
      });
      const positions = await beginAndLockPositions(
        client,
        pairs.map((_, i) => refOf(i)),
      );
      const byLane = new Map<PostgresLanePart, Array<{ i: number; fresh: ConsumedEvent[] }>>();
      for (const [i, { part, batch }] of pairs.entries()) {
        const next = positions.get(positionId(refOf(i)))!;
        // Every event below the position: nothing to apply, and the position stays.
        if (BigInt(batch.lastOffset) < next) continue;
        const fresh = flowing[i]!.filter((e) => BigInt(e.offset) >= next);
        byLane.set(part, [...(byLane.get(part) ?? []), { i, fresh }]);
      }
      const ignoredBy = new Map<PostgresLanePart, number>();
      for (const [part, due] of byLane) {
        const events = due.flatMap(({ fresh }) => fresh);
        ignoredBy.set(part, events.length > 0 ? (await part.apply(client, events)).ignored : 0);
      }
      const moves = [...byLane.values()].flat().map(({ i }) => ({
        ...refOf(i),
        next: BigInt(pairs[i]!.batch.lastOffset) + 1n,
      }));
      if (moves.length > 0) await movePositionsAndCommit(client, moves);
      else await client.query('ROLLBACK');
      recordAll(pairs, flowing, byLane, ignoredBy);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });
  for (const done of timers) done();
}

/** Each pair's lag and counts; a lane's applied and ignored totals go with its first batch. */
function recordAll(
  pairs: Array<{ part: PostgresLanePart; batch: EventBatch }>,
  flowing: ConsumedEvent[][],
  byLane: Map<PostgresLanePart, Array<{ i: number; fresh: ConsumedEvent[] }>>,
  ignoredBy: Map<PostgresLanePart, number>,
) {
  const counted = new Set<PostgresLanePart>();
  for (const [i, { part, batch }] of pairs.entries()) {
    const due = byLane.get(part) ?? [];
    const fresh = due.find((d) => d.i === i)?.fresh ?? [];
    const first = !counted.has(part);
    counted.add(part);
    const ignored = first ? (ignoredBy.get(part) ?? 0) : 0;
    const total = first ? due.reduce((sum, d) => sum + d.fresh.length, 0) : 0;
    recordBatch(part.key, batch, {
      applied: total - ignored,
      ignored,
      alreadyApplied: flowing[i]!.length - fresh.length,
    });
    const held = batch.events.length - flowing[i]!.length;
    projectionMetrics.events.inc({ projection: part.key, outcome: 'held' }, held);
  }
}

/** Each pair's flowing events, every pair's partition order held while the task runs. */
function withAllFlowing(
  pairs: Array<{ part: PostgresLanePart; batch: EventBatch }>,
  flowing: ConsumedEvent[][],
  task: (flowing: ConsumedEvent[][]) => Promise<void>,
): Promise<void> {
  const pair = pairs[flowing.length];
  if (!pair) return task(flowing);
  return pair.part.withFlowing(pair.batch, (mine) =>
    withAllFlowing(pairs, [...flowing, mine], task),
  );
}
