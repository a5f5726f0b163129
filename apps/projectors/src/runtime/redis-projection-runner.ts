import type { Redis } from 'ioredis';
import {
  createEventConsumer,
  type ConsumedEvent,
  type DeadLetterPublisher,
  type EventBatch,
  type EventCodec,
  type LogClient,
} from '@chat/events';
import type { Logger } from '@chat/observability';
import {
  consumerGroupOf,
  positionField,
  versionKey,
  type PresenceKeys,
  type ProjectionName,
} from '@chat/views';
import type { RedisCommand } from '../presence/presence-changes';
import { projectionMetrics, recordBatch } from './projection-metrics';
import type { ProjectionRunner } from './postgres-projection-runner';

/** A projection kept in Redis: maps new events to commands, run with the position atomically. */
export interface RedisProjection {
  name: ProjectionName;
  version: number;
  topics: string[];
  keys: PresenceKeys;
  commandsFor(events: ConsumedEvent[]): RedisCommand[];
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
export function createRedisProjectionRunner(options: {
  kafka: LogClient;
  codec: EventCodec;
  deadLetters: DeadLetterPublisher;
  redis: Redis;
  logger: Logger;
  projection: RedisProjection;
}): ProjectionRunner {
  const { redis, projection } = options;
  const { keys } = projection;
  const key = versionKey(projection.name, projection.version);
  const logger = options.logger.child({ projection: key });
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
    const transaction = redis.multi();
    for (const [name, ...args] of projection.commandsFor(fresh)) transaction.call(name, ...args);
    transaction.hset(keys.positions, field, (BigInt(batch.lastOffset) + 1n).toString());
    const results = await transaction.exec();
    if (results === null) return false;
    const failed = results.find(([error]) => error);
    // Redis runs the rest of a transaction after a failed command: a bug, not a race.
    if (failed) throw failed[0];
    recordBatch(key, batch, {
      applied: fresh.length,
      ignored: 0,
      alreadyApplied: batch.events.length - fresh.length,
    });
    return true;
  }

  async function handleBatch(batch: EventBatch) {
    const timer = projectionMetrics.batchSeconds.startTimer({ projection: key });
    const run = queue.then(async () => {
      for (let race = 0; race < MAX_RACES; race++) {
        if (await applyOnce(batch)) return;
      }
      throw new Error(`position of partition ${batch.partition} kept moving under this batch`);
    });
    queue = run.catch(() => undefined);
    try {
      await run;
    } catch (error) {
      await redis.unwatch().catch(() => undefined);
      logger.error({ err: error, partition: batch.partition }, 'batch failed; it will be retried');
      throw error;
    } finally {
      timer();
    }
  }

  const consumer = createEventConsumer({
    kafka: options.kafka,
    codec: options.codec,
    deadLetters: options.deadLetters,
    logger,
    groupId: consumerGroupOf(projection.name, projection.version),
    topics: projection.topics,
    fromBeginning: true,
    handleBatch,
  });

  return {
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    get ready() {
      return consumer.ready;
    },
  };
}
