import type { ConsumedEvent, EventBatch } from '@chat/events';
import { positionId, type PositionRef } from './position-ref';
import { projectionMetrics, recordBatch } from './projection-metrics';
import type { AppliedCounts, ProjectionStore } from './unit-of-work';

/** A lane's batch in a unit of work: the batch, and those of its events no park holds. */
export interface LaneBatch {
  /** The lane's version key, `inbox_v1`. */
  key: string;
  batch: EventBatch;
  flowing: ConsumedEvent[];
}

const refOf = ({ key, batch }: LaneBatch): PositionRef => ({
  key,
  topic: batch.topic,
  partition: batch.partition,
});

/**
 * Applies batches in one unit of work of their store, whether one lane's batch or the batches of
 * several partitions for several lanes: each position is read as the unit begins, events below
 * it are left out (a redelivery after a crash or a rebalance), each lane's remaining events of
 * all its batches are applied in one go (different partitions hold different conversations,
 * each in log order), and every position moves past its batch with the commit. A batch wholly
 * below its position is left alone, and so is its position.
 */
export async function applyInOneUnit(store: ProjectionStore, items: LaneBatch[]): Promise<void> {
  const refs = items.map(refOf);
  const { fresh, counts } = await store.run(refs, async (unit) => {
    const fresh = items.map((item, i) => {
      const next = unit.positions.get(positionId(refs[i]!))!;
      if (BigInt(item.batch.lastOffset) < next) return undefined;
      return item.flowing.filter((e) => BigInt(e.offset) >= next);
    });
    const counts = new Map<string, AppliedCounts>();
    for (const key of new Set(items.map((item) => item.key))) {
      const events = items.flatMap((item, i) => (item.key === key ? (fresh[i] ?? []) : []));
      counts.set(key, events.length > 0 ? await unit.apply(key, events) : NOTHING);
    }
    items.forEach((item, i) => {
      if (fresh[i]) unit.move(refs[i]!, BigInt(item.batch.lastOffset) + 1n);
    });
    return { fresh, counts };
  });
  record(items, fresh, counts);
}

const NOTHING: AppliedCounts = { applied: 0, ignored: 0 };

/**
 * Each batch's lag and counts. A lane's applied and ignored totals go with its first batch, and
 * so do the fresh events its projection found applied already (an idempotent store's own check).
 */
function record(
  items: LaneBatch[],
  fresh: Array<ConsumedEvent[] | undefined>,
  counts: Map<string, AppliedCounts>,
) {
  const counted = new Set<string>();
  items.forEach(({ key, batch, flowing }, i) => {
    const mine = fresh[i]?.length ?? 0;
    let { applied, ignored } = NOTHING;
    let appliedBefore = flowing.length - mine;
    if (!counted.has(key)) {
      counted.add(key);
      ({ applied, ignored } = counts.get(key)!);
      const total = items.reduce(
        (sum, item, j) => sum + (item.key === key ? (fresh[j]?.length ?? 0) : 0),
        0,
      );
      appliedBefore += total - applied - ignored;
    }
    recordBatch(key, batch, { applied, ignored, alreadyApplied: appliedBefore });
    projectionMetrics.events.inc(
      { projection: key, outcome: 'held' },
      batch.events.length - flowing.length,
    );
  });
}
