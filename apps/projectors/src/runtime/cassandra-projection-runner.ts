import type { Client } from 'cassandra-driver';
import type { ConsumedEvent, EventBatch } from '@chat/events';
import { toLong, versionKey, type ProjectionName } from '@chat/views';
import {
  projectionLane,
  runProjectionLanes,
  type ProjectionLane,
  type ProjectionRunner,
  type RunnerOptions,
} from './projection-consumer';
import { recordBatch } from './projection-metrics';

/**
 * A projection kept in Cassandra. Cassandra has no transaction to put the position in, so
 * `apply` must be idempotent on its own: applying a batch again, whole or in part, in any
 * order, leaves the same rows (the timeline does it with offset write timestamps).
 */
export interface CassandraProjection {
  name: ProjectionName;
  version: number;
  topics: string[];
  apply(events: ConsumedEvent[]): Promise<{ applied: number; ignored: number }>;
  /** Forget anything remembered between batches: partitions moved, or a batch failed. */
  forget?(): void;
}

/**
 * Runs a Cassandra projection: the rows first, then the position, so a crash replays and never
 * skips. The position only ever moves forward (it is written with its offset as timestamp), and
 * events below it are not applied again.
 *
 * The position a batch starts from is the one this lane last read or wrote for the partition
 * while it held it, else read from the store: a read per batch was a round trip on the way of
 * every live delivery. What is remembered is forgotten on a rebalance and on any failure. It
 * can only be behind the stored one (another instance wrote past it), never ahead: then events
 * it already applied are applied again, which `apply` must bear anyway, and none is skipped.
 */
export function cassandraProjectionLane(
  options: RunnerOptions & { cassandra: Client; keyspace: string; projection: CassandraProjection },
): ProjectionLane {
  const { cassandra, keyspace, projection } = options;
  const key = versionKey(projection.name, projection.version);

  async function position(batch: { topic: string; partition: number }): Promise<bigint> {
    const result = await cassandra.execute(
      `SELECT next_offset FROM ${keyspace}.projection_positions
       WHERE projection = ? AND topic = ? AND partition = ?`,
      [key, batch.topic, batch.partition],
      { prepare: true },
    );
    const row = result.first();
    return row ? BigInt(row.next_offset.toString()) : 0n;
  }

  const known = new Map<string, bigint>();
  const partitionOf = (batch: { topic: string; partition: number }) =>
    `${batch.topic}\u0000${batch.partition}`;
  const forget = () => {
    known.clear();
    projection.forget?.();
  };

  async function applyBatch(batch: EventBatch) {
    const partition = partitionOf(batch);
    const next = known.get(partition) ?? (await position(batch));
    known.set(partition, next);
    const fresh = batch.events.filter((e) => BigInt(e.offset) >= next);
    let counts = { applied: 0, ignored: 0 };
    if (BigInt(batch.lastOffset) >= next) {
      counts = await projection.apply(fresh);
      const nextOffset = BigInt(batch.lastOffset) + 1n;
      await cassandra.execute(
        `UPDATE ${keyspace}.projection_positions USING TIMESTAMP ?
           SET next_offset = ?, updated_at = ?
           WHERE projection = ? AND topic = ? AND partition = ?`,
        [toLong(nextOffset), toLong(nextOffset), new Date(), key, batch.topic, batch.partition],
        { prepare: true },
      );
      known.set(partition, nextOffset);
    }
    recordBatch(key, batch, {
      ...counts,
      alreadyApplied: batch.events.length - counts.applied - counts.ignored,
    });
  }

  return projectionLane({
    ...options,
    writesTo: 'cassandra',
    store: {
      applyBatch,
      // Below the position, but `apply` is idempotent per conversation (offset timestamps,
      // applied-through offsets), so a resume cut short by a crash is simply done again.
      applyHeld: async (events, _through, settle) => {
        await projection.apply(events);
        await settle(options.pool);
      },
      positionOf: (topic, partition) => position({ topic, partition }),
      forget,
    },
    onFailure: forget,
    onJoin: forget,
  });
}

/** The projection alone on a consumer of its own (a rebuild, a test). */
export function createCassandraProjectionRunner(
  options: Parameters<typeof cassandraProjectionLane>[0],
): ProjectionRunner {
  return runProjectionLanes([cassandraProjectionLane(options)], options);
}
