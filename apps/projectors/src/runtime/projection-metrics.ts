import { Counter, Gauge, Histogram } from 'prom-client';

/** Rate, lag and cost of every projection, labelled by its version key (`inbox_v1`). */
export const projectionMetrics = {
  events: new Counter({
    name: 'chat_projection_events_total',
    help: 'Events a projection handled, by outcome (applied, ignored by the rules, already applied, held in a parked conversation)',
    labelNames: ['projection', 'outcome'] as const,
  }),
  lag: new Gauge({
    name: 'chat_projection_lag_events',
    help: 'Events in the log a projection has not applied yet, per partition',
    labelNames: ['projection', 'topic', 'partition'] as const,
  }),
  parked: new Gauge({
    name: 'chat_projection_parked_conversations',
    help: 'Conversations a projection holds back because its store refused one of their events',
    labelNames: ['projection'] as const,
  }),
  batchSeconds: new Histogram({
    name: 'chat_projection_batch_seconds',
    help: 'Time to apply one batch and commit its position',
    labelNames: ['projection'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
};

/** What one batch did, counted the same way by every runner. */
export function recordBatch(
  key: string,
  batch: { topic: string; partition: number; lastOffset: string; highWatermark: string },
  counts: { applied: number; ignored: number; alreadyApplied: number },
) {
  projectionMetrics.events.inc({ projection: key, outcome: 'applied' }, counts.applied);
  projectionMetrics.events.inc({ projection: key, outcome: 'ignored' }, counts.ignored);
  projectionMetrics.events.inc(
    { projection: key, outcome: 'already-applied' },
    counts.alreadyApplied,
  );
  projectionMetrics.lag.set(
    { projection: key, topic: batch.topic, partition: String(batch.partition) },
    Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(batch.lastOffset) - 1n)),
  );
}
