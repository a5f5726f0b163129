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
  /** Consumer group liveness: how soon a dead instance's partitions move (libs/config; its defaults when absent). */
  group?: ConsumerGroupTimings;
}

/**
 * The consumer behind every projection version: its own group, from the beginning of the log,
 * batches handed to the runner's store-specific `handleBatch`, each one timed; a failed batch
 * runs `onFailure`, is logged, and is retried by the consumer.
 */
export function projectionConsumer(
  options: RunnerOptions & {
    projection: { name: ProjectionName; version: number; topics: string[] };
    handleBatch(batch: EventBatch): Promise<void>;
    onFailure?: () => Promise<void> | void;
    onJoin?: () => void;
    /** The position the runner's store holds for a partition: reading starts there. */
    positionOf(topic: string, partition: number): Promise<bigint>;
  },
): ProjectionRunner {
  const { projection } = options;
  const key = versionKey(projection.name, projection.version);
  const logger = options.logger.child({ projection: key });

  async function handleBatch(batch: EventBatch) {
    const timer = projectionMetrics.batchSeconds.startTimer({ projection: key });
    try {
      await options.handleBatch(batch);
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
    onJoin: options.onJoin,
    positionOf: options.positionOf,
    group: options.group,
  });
  return {
    start: () => consumer.start(),
    stop: () => consumer.stop(),
    get ready() {
      return consumer.ready;
    },
  };
}
