import {
  createEventConsumer,
  type DeadLetterPublisher,
  type EventBatch,
  type EventCodec,
  type LogClient,
} from '@chat/events';
import type { ConsumerGroupTimings } from '@chat/config';
import type { Logger } from '@chat/observability';
import { consumerGroupOf, versionKey, type ProjectionName } from '@chat/views';
import type { Pool } from 'pg';
import { createParking, type ParkableStore } from './parking';
import { projectionMetrics } from './projection-metrics';

/** A running projection, whatever store it writes to. */
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
 * The consumer behind every projection version: its own group, from the beginning of the log,
 * batches handed through the parking layer to the runner's store, each one timed; a failed
 * batch runs `onFailure`, is logged, and is retried by the consumer. A store refusing an event
 * parks its conversation (see createParking) instead of failing the batch.
 */
export function projectionConsumer(
  options: RunnerOptions & {
    projection: { name: ProjectionName; version: number; topics: string[] };
    store: ParkableStore;
    onFailure?: () => Promise<void> | void;
    onJoin?: () => void;
  },
): ProjectionRunner {
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

  async function handleBatch(batch: EventBatch) {
    const timer = projectionMetrics.batchSeconds.startTimer({ projection: key });
    try {
      await parking.handleBatch(batch);
    } catch (error) {
      await options.onFailure?.();
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
    onJoin: (assigned) => {
      options.onJoin?.();
      parking.onJoin(assigned);
    },
    positionOf: (topic, partition) => options.store.positionOf(topic, partition),
    group: options.group,
  });
  return {
    async start() {
      await parking.start();
      await consumer.start();
    },
    async stop() {
      await consumer.stop();
      await parking.stop();
    },
    get ready() {
      return consumer.ready;
    },
  };
}
