import type { ConsumedEvent, EventBatch } from '@chat/events';
import { batchWhileBusy } from '@chat/storage';
import { applyInOneUnit } from './apply-in-one-unit';
import type { ProjectionLane } from './projection-lane';
import { projectionMetrics } from './projection-metrics';

/** A batch of one partition, for the lanes that read its topic (all on one store). */
export interface LanesBatch {
  lanes: ProjectionLane[];
  batch: EventBatch;
}

/**
 * Group commit for the lanes of a consumer that share a store whose units hold several lanes
 * (Postgres: one transaction). The consumer hands over the batches of several partitions at
 * once; a batch that arrives while a unit is running waits for it and goes, with every other
 * batch that arrived meanwhile, into the next one. So nothing waits on a timer (alone, a batch
 * starts at once), and under load the batches that queue behind one another share one begin,
 * one set of writes per table and one commit.
 *
 * If a unit throws, nothing in it was committed, and each of its batches rejects: the caller
 * applies it lane by lane, where a store's refusal parks a conversation in the refusing lane
 * only. Resolves once the batch is applied and committed for every lane.
 */
export function createLanesTogether(): (unit: LanesBatch) => Promise<void> {
  return batchWhileBusy(async (units: LanesBatch[]) => {
    await applyLanesTogether(units);
    return units.map(() => undefined);
  });
}

/**
 * Applies batches of several partitions to every lane reading them in one unit of work of
 * their store, while holding each lane's order on each partition (no resume of a parked
 * conversation in between), each lane leaving out what its parked conversations hold.
 */
export async function applyLanesTogether(units: LanesBatch[]): Promise<void> {
  const pairs = units.flatMap(({ lanes, batch }) => lanes.map((lane) => ({ lane, batch })));
  const store = pairs[0]!.lane.store;
  if (pairs.some(({ lane }) => lane.store !== store)) throw new Error('lanes on different stores');
  const timers = [...new Set(pairs.map(({ lane }) => lane.key))].map((key) =>
    projectionMetrics.batchSeconds.startTimer({ projection: key }),
  );
  await withAllFlowing(pairs, [], (flowing) =>
    applyInOneUnit(
      store,
      pairs.map(({ lane, batch }, i) => ({ key: lane.key, batch, flowing: flowing[i]! })),
    ),
  );
  for (const done of timers) done();
}

/** Each pair's flowing events, every pair's partition order held while the task runs. */
function withAllFlowing(
  pairs: Array<{ lane: ProjectionLane; batch: EventBatch }>,
  flowing: ConsumedEvent[][],
  task: (flowing: ConsumedEvent[][]) => Promise<void>,
): Promise<void> {
  const pair = pairs[flowing.length];
  if (!pair) return task(flowing);
  return pair.lane.parking.withFlowing(pair.batch, (mine) =>
    withAllFlowing(pairs, [...flowing, mine], task),
  );
}
