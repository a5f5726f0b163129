import type { PoolClient } from 'pg';
import type { ConsumedEvent, EventBatch } from '@chat/events';
import { versionKey, type ProjectionName } from '@chat/views';
import {
  projectionLane,
  runProjectionLanes,
  type ProjectionLane,
  type ProjectionRunner,
  type RunnerOptions,
} from './projection-consumer';
import type { ParkableStore } from './parking';
import { beginAndLockPositions, movePositionsAndCommit, positionId } from './postgres-positions';
import { recordBatch } from './projection-metrics';

export type { ProjectionRunner } from './projection-consumer';

/** A projection kept in Postgres: applies a batch of new events inside the given transaction. */
export interface PostgresProjection {
  name: ProjectionName;
  version: number;
  topics: string[];
  /** Returns how many events the rules ignored. */
  apply(db: PoolClient, events: ConsumedEvent[]): Promise<{ ignored: number }>;
}

/**
 * Runs a Postgres projection with an exactly-once effect: the rows and the position move in one
 * transaction. The position row is locked first, so after a rebalance (or a crash and a
 * redelivery) events below it are skipped, and two instances never both apply a batch. On a
 * consumer with other Postgres lanes, a batch goes to all of them in one transaction first
 * (createSharedTransactions); `applyBatch` is the lane on its own, which that falls back to.
 */
export function postgresProjectionLane(
  options: RunnerOptions & { projection: PostgresProjection },
): ProjectionLane {
  const { pool, projection } = options;
  const key = versionKey(projection.name, projection.version);

  async function applyBatch(batch: EventBatch) {
    const client = await pool.connect();
    try {
      const at = { key, topic: batch.topic, partition: batch.partition };
      const next = (await beginAndLockPositions(client, [at])).get(positionId(at))!;
      const fresh = batch.events.filter((e) => BigInt(e.offset) >= next);
      const skipped = batch.events.length - fresh.length;
      let ignored = 0;
      if (BigInt(batch.lastOffset) < next) {
        await client.query('ROLLBACK');
      } else {
        ({ ignored } = await projection.apply(client, fresh));
        await movePositionsAndCommit(client, [{ ...at, next: BigInt(batch.lastOffset) + 1n }]);
      }
      recordBatch(key, batch, {
        applied: fresh.length - ignored,
        ignored,
        alreadyApplied: skipped,
      });
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * A parked conversation's held events, with its unpark, in one transaction under the lock of
   * the partition's position: no batch of the partition runs in between, so none can hold an
   * event the resume did not read, and a crash leaves the conversation either parked with its
   * events unapplied or resumed with them applied, never applied twice.
   */
  const applyHeld: ParkableStore['applyHeld'] = async (events, through, settle) => {
    const client = await pool.connect();
    try {
      const at = { key, topic: through.topic, partition: through.partition };
      const next = (await beginAndLockPositions(client, [at])).get(positionId(at))!;
      if (next !== through.next) {
        throw new Error(`position of partition ${through.partition} moved during a resume`);
      }
      await projection.apply(client, events);
      await settle(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  return projectionLane({
    ...options,
    writesTo: 'postgres',
    together: { pool, apply: (db, events) => projection.apply(db, events) },
    store: {
      applyBatch,
      applyHeld,
      positionOf: async (topic, partition) => {
        const { rows } = await pool.query<{ next_offset: string }>(
          `SELECT next_offset FROM projection_positions
           WHERE projection = $1 AND topic = $2 AND partition = $3`,
          [key, topic, partition],
        );
        return BigInt(rows[0]?.next_offset ?? '0');
      },
    },
  });
}

/** The projection alone on a consumer of its own (a rebuild, a test). */
export function createPostgresProjectionRunner(
  options: Parameters<typeof postgresProjectionLane>[0],
): ProjectionRunner {
  return runProjectionLanes([postgresProjectionLane(options)], options);
}
