import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { ConsumedEvent } from '@chat/events';
import { positionField, type PresenceKeys, type ProjectionName, type Queryable } from '@chat/views';
import type { RedisCommand } from '../presence/presence-changes';
import { positionId, type PositionRef } from './position-ref';
import type { ProjectionStore, UnitOfWork } from './unit-of-work';

/** A projection kept in Redis: maps new events to commands, run with the position atomically. */
export interface RedisProjection {
  name: ProjectionName;
  version: number;
  topics: string[];
  keys: PresenceKeys;
  commandsFor(events: ConsumedEvent[]): RedisCommand[];
  /** After the batch is committed, with the events it applied. */
  afterCommit?(events: ConsumedEvent[]): Promise<void>;
}

/** A unit raced another instance (a rebalance) this many times in a row: give up, retry later. */
const MAX_RACES = 5;

/**
 * One Redis projection's units of work, with an exactly-once effect: the commands and the new
 * positions go in one MULTI/EXEC, under WATCH of the positions hash. If another instance moved
 * a position in between (it took the partition over), EXEC does nothing and the work is done
 * again against the new position. Units run one at a time on a connection of their own, because
 * WATCH belongs to the connection. Commands only move times forward (ZADD GT), so held events
 * applied again after a crash cut a resume short change nothing.
 */
export class RedisProjectionStore implements ProjectionStore {
  readonly kind = 'redis';
  readonly sharesUnits = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      redis: Redis;
      projection: RedisProjection;
      /** Where work alongside a unit runs (the parks, in Postgres). */
      pool: Pool;
    },
  ) {}

  run<T>(refs: PositionRef[], work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    return this.queued(async () => {
      try {
        for (let race = 0; race < MAX_RACES; race++) {
          const done = await this.runOnce(refs, work);
          if (done) return done.result;
        }
      } catch (error) {
        // The connection must not keep watching into the next unit.
        await this.options.redis.unwatch().catch(() => undefined);
        throw error;
      }
      const partitions = refs.map((ref) => ref.partition).join(', ');
      throw new Error(`position of partition ${partitions} kept moving under this batch`);
    });
  }

  // A read between another unit's WATCH and EXEC changes nothing: WATCH is about writes.
  async positionOf({ topic, partition }: PositionRef): Promise<bigint> {
    const { redis, projection } = this.options;
    const stored = await redis.hget(projection.keys.positions, positionField(topic, partition));
    return BigInt(stored ?? '0');
  }

  /** Nothing is remembered between units. */
  forget(): void {}

  /** One WATCH to EXEC; undefined when another instance moved a position meanwhile. */
  private async runOnce<T>(
    refs: PositionRef[],
    work: (unit: UnitOfWork) => Promise<T>,
  ): Promise<{ result: T } | undefined> {
    const { redis, projection, pool } = this.options;
    const { positions: hash } = projection.keys;
    await redis.watch(hash);
    const fields = refs.map((ref) => positionField(ref.topic, ref.partition));
    const stored = refs.length > 0 ? await redis.hmget(hash, ...fields) : [];
    const commands: RedisCommand[] = [];
    const applied: ConsumedEvent[] = [];
    const moves = new Map<string, string>();
    const tasks: Array<(db: Queryable) => Promise<void>> = [];
    const result = await work({
      positions: new Map(refs.map((ref, i) => [positionId(ref), BigInt(stored[i] ?? '0')])),
      holdsPositions: false,
      apply: async (_key, events) => {
        commands.push(...projection.commandsFor(events));
        applied.push(...events);
        return { applied: events.length, ignored: 0 };
      },
      move: (ref, next) => moves.set(positionField(ref.topic, ref.partition), next.toString()),
      alongside: (task) => tasks.push(task),
    });
    if (applied.length === 0 && moves.size === 0) {
      await redis.unwatch();
    } else {
      const transaction = redis.multi();
      for (const [name, ...args] of commands) transaction.call(name, ...args);
      for (const [field, next] of moves) transaction.hset(hash, field, next);
      const results = await transaction.exec();
      if (results === null) return undefined;
      const failed = results.find(([error]) => error);
      // Redis runs the rest of a transaction after a failed command: a bug, not a race.
      if (failed) throw failed[0];
      await projection.afterCommit?.(applied);
    }
    for (const task of tasks) await task(pool);
    return { result };
  }

  /** One unit at a time: WATCH belongs to the connection. */
  private queued<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
