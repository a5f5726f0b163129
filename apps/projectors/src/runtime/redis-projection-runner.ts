import type { Redis } from 'ioredis';
import type { ConsumedEvent, EventBatch } from '@chat/events';
import { positionField, versionKey, type PresenceKeys, type ProjectionName } from '@chat/views';
import type { RedisCommand } from '../presence/presence-changes';
import {
  projectionLane,
  runProjectionLanes,
  type ProjectionLane,
  type ProjectionRunner,
  type RunnerOptions,
} from './projection-consumer';
import type { ParkableStore } from './parking';
import { recordBatch } from './projection-metrics';

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

/** A batch raced another instance (a rebalance) this many times in a row: give up, retry later. */
const MAX_RACES = 5;

/**
 * Runs a Redis projection with an exactly-once effect: the commands and the new position go
 * in one MULTI/EXEC, under WATCH of the positions hash. If another instance moved a position
 * in between (it took the partition over), EXEC does nothing and the batch is judged again
 * against the new position. Batches run one at a time on a connection of their own, because
 * WATCH belongs to the connection.
 */
export function redisProjectionLane(
  options: RunnerOptions & { redis: Redis; projection: RedisProjection },
): ProjectionLane {
  const { redis, projection } = options;
  const { keys } = projection;
  const key = versionKey(projection.name, projection.version);
  let queue: Promise<unknown> = Promise.resolve();

  async function applyOnce(batch: EventBatch): Promise<boolean> {
    const field = positionField(batch.topic, batch.partition);
    await redis.watch(keys.positions);
    const stored = await redis.hget(keys.positions, field);
    const next = BigInt(stored ?? '0');
    const fresh = batch.events.filter((e) => BigInt(e.offset) >= next);
    if (BigInt(batch.lastOffset) < next) {
      await redis.unwatch();
      recordBatch(key, batch, { applied: 0, ignored: 0, alreadyApplied: batch.events.length });
      return true;
    }
    let commands: RedisCommand[];
    try {
      commands = projection.commandsFor(fresh);
    } catch (error) {
      // The connection must not keep watching into the next batch (or a resume).
      await redis.unwatch();
      throw error;
    }
    const transaction = redis.multi();
    for (const [name, ...args] of commands) transaction.call(name, ...args);
    transaction.hset(keys.positions, field, (BigInt(batch.lastOffset) + 1n).toString());
    const results = await transaction.exec();
    if (results === null) return false;
    const failed = results.find(([error]) => error);
    // Redis runs the rest of a transaction after a failed command: a bug, not a race.
    if (failed) throw failed[0];
    await projection.afterCommit?.(fresh);
    recordBatch(key, batch, {
      applied: fresh.length,
      ignored: 0,
      alreadyApplied: batch.events.length - fresh.length,
    });
    return true;
  }

  /** One Redis task at a time: WATCH belongs to the connection. */
  function queued<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  }

  const applyBatch = (batch: EventBatch) =>
    queued(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        if (await applyOnce(batch)) return;
      }
      throw new Error(`position of partition ${batch.partition} kept moving under this batch`);
    });

  // Below the position, but the commands only move times forward (ZADD GT): applying held
  // events again after a crash cut a resume short changes nothing.
  const applyHeld: ParkableStore['applyHeld'] = (events, _through, settle) =>
    queued(async () => {
      const transaction = redis.multi();
      for (const [name, ...args] of projection.commandsFor(events)) transaction.call(name, ...args);
      const results = (await transaction.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
      await projection.afterCommit?.(events);
      await settle(options.pool);
    });

  return projectionLane({
    ...options,
    writesTo: 'redis',
    store: {
      applyBatch,
      applyHeld,
      // A read between another batch's WATCH and EXEC changes nothing: WATCH is about writes.
      positionOf: async (topic, partition) => {
        const stored = await redis.hget(keys.positions, positionField(topic, partition));
        return BigInt(stored ?? '0');
      },
    },
    onFailure: async () => {
      await redis.unwatch().catch(() => undefined);
    },
  });
}

/** The projection alone on a consumer of its own (a rebuild, a test). */
export function createRedisProjectionRunner(
  options: Parameters<typeof redisProjectionLane>[0],
): ProjectionRunner {
  return runProjectionLanes([redisProjectionLane(options)], options);
}
