import {
  createEventConsumer,
  type DeadLetterPublisher,
  type EventBatch,
  type EventCodec,
  type LogClient,
} from '@chat/events';
import type { ConsumerGroupTimings } from '@chat/config';
import type { Logger } from '@chat/observability';
import { projectorGroupOf, versionKey, type ProjectionName } from '@chat/views';
import type { Pool } from 'pg';
import { createParking, type ParkableStore } from './parking';
import { projectionMetrics } from './projection-metrics';

/** A running projection, or several sharing one consumer, whatever stores they write to. */
export interface ProjectionRunner {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly ready: boolean;
}

/** What every runner needs to consume the log. */
export interface RunnerOptions {
  kafka: LogClient;
  codec: EventCodec;
  deadLetters: DeadLetterPublisher;
  logger: Logger;
  /** Where parked conversations are kept, whatever store the projection writes to. */
  pool: Pool;
  /** How often requested resumes of parked conversations are looked for (default 1 s). */
  resumeIntervalMs?: number;
  /** Consumer group liveness: how soon a dead instance's partitions move (libs/config; its defaults when absent). */
  group?: ConsumerGroupTimings;
}

/**
 * One projection version's part of a consumer: the topics it reads, and its own parking, store
 * and position. Several lanes can share one consumer (see `runProjectionLanes`); each still
 * decides from its own position what it has applied.
 */
export interface ProjectionLane {
  /** The version key, `inbox_v1`. */
  key: string;
  topics: string[];
  /** Applies a batch of one of its topics and moves its position; throws to have it retried. */
  handleBatch(batch: EventBatch): Promise<void>;
  positionOf(topic: string, partition: number): Promise<bigint>;
  onJoin(assigned: Record<string, number[]>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A projection version as a lane: batches go through the parking layer to the store, each one
 * timed; a failed batch runs `onFailure`, is logged, and is thrown for the consumer to retry.
 * A store refusing an event parks its conversation (see createParking) instead of failing.
 */
export function projectionLane(
  options: Pick<RunnerOptions, 'kafka' | 'codec' | 'logger' | 'pool' | 'resumeIntervalMs'> & {
    projection: { name: ProjectionName; version: number; topics: string[] };
    store: ParkableStore;
    onFailure?: () => Promise<void> | void;
    onJoin?: () => void;
  },
): ProjectionLane {
  const { projection } = options;
  const key = versionKey(projection.name, projection.version);
  const logger = options.logger.child({ projection: key });
  const parking = createParking({
    key,
    pool: options.pool,
    kafka: options.kafka,
    codec: options.codec,
    logger,
    store: options.store,
    resumeIntervalMs: options.resumeIntervalMs,
  });

  return {
    key,
    topics: projection.topics,
    async handleBatch(batch) {
      const timer = projectionMetrics.batchSeconds.startTimer({ projection: key });
      try {
        await parking.handleBatch(batch);
      } catch (error) {
        await options.onFailure?.();
        logger.error(
          { err: error, partition: batch.partition },
          'batch failed; it will be retried',
        );
        throw error;
      } finally {
        timer();
      }
    },
    positionOf: (topic, partition) => options.store.positionOf(topic, partition),
    onJoin(assigned) {
      options.onJoin?.();
      parking.onJoin(assigned);
    },
    start: () => parking.start(),
    stop: () => parking.stop(),
  };
}

/**
 * Runs lanes on one consumer group: every record is fetched and decoded once and handed to
 * every lane that reads its topic, all at once. The group's offsets move only once every lane
 * has applied the batch, and a lane that failed makes the consumer retry the batch for all:
 * the others find it below their positions and skip it. Sharing is what makes a quiet system
 * cheap (one fetch, one decode and one heartbeat per record instead of one per projection);
 * its price is that one store down holds back every lane of the consumer, never that a lane
 * skips an event.
 */
export function runProjectionLanes(
  lanes: ProjectionLane[],
  options: Pick<RunnerOptions, 'kafka' | 'codec' | 'deadLetters' | 'logger' | 'group'>,
): ProjectionRunner {
  const topics = [...new Set(lanes.flatMap((lane) => lane.topics))];
  const lanesOf = (topic: string) => lanes.filter((lane) => lane.topics.includes(topic));

  async function handleBatch(batch: EventBatch) {
    const results = await Promise.allSettled(
      lanesOf(batch.topic).map((lane) => lane.handleBatch(batch)),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  const consumer = createEventConsumer({
    kafka: options.kafka,
    codec: options.codec,
    deadLetters: options.deadLetters,
    logger: options.logger,
    groupId: projectorGroupOf(lanes.map((lane) => lane.key)),
    topics,
    fromBeginning: true,
    handleBatch,
    onJoin: (assigned) => {
      for (const lane of lanes) lane.onJoin(assigned);
    },
    // The lane furthest behind says where a partition is read from; the others skip up to theirs.
    positionOf: async (topic, partition) => {
      const positions = await Promise.all(
        lanesOf(topic).map((lane) => lane.positionOf(topic, partition)),
      );
      return positions.reduce((low, position) => (position < low ? position : low));
    },
    group: options.group,
  });
  return {
    async start() {
      await Promise.all(lanes.map((lane) => lane.start()));
      await consumer.start();
    },
    async stop() {
      await consumer.stop();
      await Promise.all(lanes.map((lane) => lane.stop()));
    },
    get ready() {
      return consumer.ready;
    },
  };
}
