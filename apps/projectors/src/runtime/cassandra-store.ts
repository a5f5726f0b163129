import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';
import type { ConsumedEvent } from '@chat/events';
import { toLong, type ProjectionName, type Queryable } from '@chat/views';
import { positionId, type PositionRef } from './position-ref';
import type { AppliedCounts, ProjectionStore, UnitOfWork } from './unit-of-work';

/**
 * A projection kept in Cassandra. Cassandra has no transaction to put the position in, so
 * `apply` must be idempotent on its own: applying a batch again, whole or in part, in any
 * order, leaves the same rows (the timeline does it with offset write timestamps).
 */
export interface CassandraProjection {
  name: ProjectionName;
  version: number;
  topics: string[];
  apply(events: ConsumedEvent[]): Promise<AppliedCounts>;
  /** Forget anything remembered between batches: partitions moved, or a batch failed. */
  forget?(): void;
}

/**
 * One Cassandra projection's units of work: the rows first, then the positions, so a crash
 * replays and never skips. A position only ever moves forward (it is written with its offset as
 * timestamp), and events below it are not applied again.
 *
 * The position a unit starts from is the one last read or written for the partition while this
 * instance held it, else read from the store: a read per batch was a round trip on the way of
 * every live delivery. What is remembered is forgotten on a rebalance and on any failure. It
 * can only be behind the stored one (another instance wrote past it), never ahead: then events
 * already applied are applied again, which `apply` must bear anyway, and none is skipped.
 */
export class CassandraProjectionStore implements ProjectionStore {
  readonly kind = 'cassandra';
  readonly sharesUnits = false;
  private readonly known = new Map<string, bigint>();

  constructor(
    private readonly options: {
      cassandra: Client;
      keyspace: string;
      projection: CassandraProjection;
      /** Where work alongside a unit runs (the parks, in Postgres). */
      pool: Pool;
    },
  ) {}

  async run<T>(refs: PositionRef[], work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    const positions = new Map<string, bigint>();
    for (const ref of refs) {
      const id = positionId(ref);
      const next = this.known.get(id) ?? (await this.positionOf(ref));
      this.known.set(id, next);
      positions.set(id, next);
    }
    const moves: Array<{ ref: PositionRef; next: bigint }> = [];
    const tasks: Array<(db: Queryable) => Promise<void>> = [];
    const result = await work({
      positions,
      holdsPositions: false,
      apply: (_key, events) => this.options.projection.apply(events),
      move: (ref, next) => moves.push({ ref, next }),
      alongside: (task) => tasks.push(task),
    });
    for (const { ref, next } of moves) await this.writePosition(ref, next);
    for (const task of tasks) await task(this.options.pool);
    return result;
  }

  async positionOf({ key, topic, partition }: PositionRef): Promise<bigint> {
    const result = await this.options.cassandra.execute(
      `SELECT next_offset FROM ${this.options.keyspace}.projection_positions
       WHERE projection = ? AND topic = ? AND partition = ?`,
      [key, topic, partition],
      { prepare: true },
    );
    const row = result.first();
    return row ? BigInt(row.next_offset.toString()) : 0n;
  }

  forget(): void {
    this.known.clear();
    this.options.projection.forget?.();
  }

  private async writePosition(ref: PositionRef, next: bigint) {
    await this.options.cassandra.execute(
      `UPDATE ${this.options.keyspace}.projection_positions USING TIMESTAMP ?
         SET next_offset = ?, updated_at = ?
         WHERE projection = ? AND topic = ? AND partition = ?`,
      [toLong(next), toLong(next), new Date(), ref.key, ref.topic, ref.partition],
      { prepare: true },
    );
    this.known.set(positionId(ref), next);
  }
}
