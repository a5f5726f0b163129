import type { Pool, PoolClient } from 'pg';
import type { ConsumedEvent } from '@chat/events';
import { versionKey, type ProjectionName, type Queryable } from '@chat/views';
import { beginAndLockPositions, movePositionsAndCommit } from './postgres-positions';
import type { PositionRef } from './position-ref';
import type { AppliedCounts, ProjectionStore, UnitOfWork } from './unit-of-work';

/** A projection kept in Postgres: applies a batch of new events inside the given transaction. */
export interface PostgresProjection {
  name: ProjectionName;
  version: number;
  topics: string[];
  /** Returns how many events the rules ignored. */
  apply(db: PoolClient, events: ConsumedEvent[]): Promise<{ ignored: number }>;
}

/**
 * The Postgres projections of one database, applied with an exactly-once effect: a unit of work
 * is one transaction that begins by locking the position rows it names (one round trip), applies
 * the events above them, and moves the positions with the COMMIT (one more). After a rebalance,
 * or a crash and a redelivery, events below a position are found applied, and two instances
 * never both apply a batch. Several projections in one unit (the lanes of one consumer) share
 * the transaction: their rows and positions commit together, each behind its own position.
 */
export class PostgresProjectionStore implements ProjectionStore {
  readonly kind = 'postgres';
  readonly sharesUnits = true;
  private readonly projections = new Map<string, PostgresProjection>();

  constructor(private readonly pool: Pool) {}

  /** Keeps the projection's view in this store. */
  add(projection: PostgresProjection): void {
    this.projections.set(versionKey(projection.name, projection.version), projection);
  }

  async run<T>(refs: PositionRef[], work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const unit = new PostgresUnit(
        client,
        await beginAndLockPositions(client, refs),
        this.projections,
      );
      const result = await work(unit);
      await unit.commit();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async positionOf({ key, topic, partition }: PositionRef): Promise<bigint> {
    const { rows } = await this.pool.query<{ next_offset: string }>(
      `SELECT next_offset FROM projection_positions
       WHERE projection = $1 AND topic = $2 AND partition = $3`,
      [key, topic, partition],
    );
    return BigInt(rows[0]?.next_offset ?? '0');
  }

  /** Nothing is remembered between transactions. */
  forget(): void {}
}

/** One transaction, begun with its position rows locked. */
class PostgresUnit implements UnitOfWork {
  readonly holdsPositions = true;
  private readonly moves: Array<PositionRef & { next: bigint }> = [];
  private readonly tasks: Array<(db: Queryable) => Promise<void>> = [];
  private wrote = false;

  constructor(
    private readonly client: PoolClient,
    readonly positions: ReadonlyMap<string, bigint>,
    private readonly projections: ReadonlyMap<string, PostgresProjection>,
  ) {}

  async apply(key: string, events: ConsumedEvent[]): Promise<AppliedCounts> {
    const projection = this.projections.get(key);
    if (!projection) throw new Error(`no projection ${key} in this store`);
    this.wrote = true;
    const { ignored } = await projection.apply(this.client, events);
    return { applied: events.length - ignored, ignored };
  }

  move(ref: PositionRef, next: bigint): void {
    this.moves.push({ ...ref, next });
  }

  alongside(task: (db: Queryable) => Promise<void>): void {
    this.tasks.push(task);
  }

  /** The moves with the COMMIT in one round trip; a unit that wrote nothing rolls back. */
  async commit(): Promise<void> {
    for (const task of this.tasks) await task(this.client);
    if (this.moves.length > 0) await movePositionsAndCommit(this.client, this.moves);
    else if (this.wrote || this.tasks.length > 0) await this.client.query('COMMIT');
    else await this.client.query('ROLLBACK');
  }
}
