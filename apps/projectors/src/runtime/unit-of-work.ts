import type { ConsumedEvent } from '@chat/events';
import type { Queryable } from '@chat/views';
import type { PositionRef } from './position-ref';

/** The store a lane writes its view to. */
export type StoreKind = 'postgres' | 'cassandra' | 'redis';

/** What a projection did with the events it was given. */
export interface AppliedCounts {
  applied: number;
  /** Events the rules ignored. */
  ignored: number;
}

/**
 * Inside one unit of work: the positions as it began, and the writes it will commit. What is
 * applied and moved here commits together (Postgres, Redis) or writes first and positions last
 * (Cassandra, whose writes are idempotent), so no event is skipped and none applied twice.
 */
export interface UnitOfWork {
  /** Each position's next offset as the unit began, by positionId. */
  readonly positions: ReadonlyMap<string, bigint>;
  /**
   * Whether the positions stay as read until the commit (a lock): only then can a resume
   * rely on a position it read before the unit began.
   */
  readonly holdsPositions: boolean;
  /** Applies events of the lane with version key `key`. */
  apply(key: string, events: ConsumedEvent[]): Promise<AppliedCounts>;
  /** Moves a position at the commit. */
  move(ref: PositionRef, next: bigint): void;
  /** Runs with the commit: inside the transaction where the store has one, after it otherwise. */
  alongside(task: (db: Queryable) => Promise<void>): void;
}

/**
 * A store's units of work: begin over some positions (locked or watched where the store can),
 * read them, apply, commit the writes with the moved positions. Every batch and every resume of
 * a lane kept in the store goes through `run`, alone or with other lanes where `sharesUnits`.
 */
export interface ProjectionStore {
  readonly kind: StoreKind;
  /** Whether several lanes (version keys) can apply in one unit: their writes share a commit. */
  readonly sharesUnits: boolean;
  /**
   * Runs `work` in a unit over the positions named and commits what it applied and moved; on a
   * throw nothing it moved is committed. A store that lost a race (another instance moved a
   * position meanwhile) runs `work` again in a new unit, so `work` must only apply and move.
   */
  run<T>(refs: PositionRef[], work: (unit: UnitOfWork) => Promise<T>): Promise<T>;
  positionOf(ref: PositionRef): Promise<bigint>;
  /** Forgets what is remembered between units: a unit failed part way, or partitions moved. */
  forget(): void;
}
