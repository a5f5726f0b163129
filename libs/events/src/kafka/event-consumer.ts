import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { configDefaults, type ConsumerGroupTimings } from '@chat/config';
import type { Logger } from '@chat/observability';
import type { EventCodec } from '../codec/event-codec';
import type { DeadLetterPublisher } from '../dead-letter/dead-letters';
import { EventError } from '../errors';
import type { ChatEvent } from '../generated/event-types';

export interface ConsumedEvent {
  event: ChatEvent;
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as strings, compared as BigInt. */
  offset: string;
  /** Log-append or create time of the record, epoch ms. */
  timestamp: number;
}

export interface EventBatch {
  topic: string;
  partition: number;
  events: ConsumedEvent[];
  /** Offset of the last record in the batch, decoded or dead-lettered. */
  lastOffset: string;
  /** Offset the partition's next record will get: the end of the log as the broker saw it. */
  highWatermark: string;
  /** Keep the group membership alive during long handlers. */
  heartbeat(): Promise<void>;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  codec: EventCodec;
  deadLetters: DeadLetterPublisher;
  logger: Logger;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /**
   * Handles decoded events of one partition in log order. Throwing retries the batch (after a
   * backoff), whatever the error: a consumer never skips an event it decoded, because whether
   * an event counts is the domain's decision, taken identically by every reader of the log. A
   * handler whose store refuses an event deals with it itself (projections park the
   * conversation). Records that can never be decoded have already gone to the dead-letter
   * topic and are not in `events`: every reader sees those the same way.
   */
  handleBatch(batch: EventBatch): Promise<void>;
  /**
   * Called each time the consumer (re)joins its group, before any batch of the new assignment,
   * with the partitions now assigned per topic: partitions may have moved, so whatever the
   * handler remembers about them may be stale.
   */
  onJoin?(assigned: Record<string, number[]>): void;
  /**
   * Where the handler's own store says a partition must be read from. When given, every
   * partition this member is assigned is read from there, whatever offset the group committed:
   * the store, written with the rows, is the truth (a group left over from a dropped version
   * of the same name must not make a rebuild skip the log).
   */
  positionOf?(topic: string, partition: number): Promise<bigint>;
  /**
   * Group liveness (libs/config `kafka.consumer`). The session timeout bounds how long a dead
   * member's partitions stall before the others take them over.
   */
  group?: ConsumerGroupTimings;
  /** Partitions handled at once (default 4). */
  partitionsConcurrently?: number;
}

export interface EventConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the consumer joined its group and has partitions assigned (or none to get). */
  readonly ready: boolean;
}

const COMMIT_INTERVAL_MS = 1000;

/**
 * The shared consumer: decodes every record with the registry, sends what cannot be decoded
 * to the dead-letter topic with the reason, and hands the rest to the handler in batches.
 * Offsets are committed only after the handler returns, so a crash replays, never skips (up
 * to a second of events, which the stores' positions skip).
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const { codec, deadLetters, groupId } = options;
  const logger = options.logger.child({ component: 'event-consumer', groupId });
  // Without a Config (tools, tests), libs/config's defaults.
  const group = options.group ?? configDefaults().kafka.consumer;
  /**
   * A kafkajs consumer restarts itself after a retriable crash (a broker gone for longer than
   * its retries), but stops for good after a non-retriable one, leaving the process up and its
   * partitions unread. So every crash that kafkajs does not restart is restarted here, with a
   * fresh consumer, after a backoff: it reads again from where the store says (positionOf) or
   * the group committed, both at or behind what was applied, so nothing is skipped.
   */
  const newConsumer = (): Consumer => {
    const created = options.kafka.consumer({
      groupId,
      sessionTimeout: group.sessionTimeoutMs,
      heartbeatInterval: group.heartbeatIntervalMs,
      rebalanceTimeout: group.rebalanceTimeoutMs,
      // An idle fetch waits one heartbeat interval at the broker: the consumer heartbeats from
      // its fetch loop, so a shorter wait buys no liveness, only wake-ups (each consumer, and
      // the broker, woke ten times a second for nothing). A record still returns a fetch at once.
      maxWaitTimeInMs: group.heartbeatIntervalMs,
      retry: {
        retries: 5,
        // Said outright rather than left to the default: a retriable crash restarts.
        restartOnFailure: async (error) => {
          logger.warn({ err: error }, 'consumer crashed; kafkajs restarts it');
          return true;
        },
      },
    });
    created.on(created.events.GROUP_JOIN, (event) => {
      ready = true;
      options.onJoin?.(event.payload.memberAssignment);
    });
    created.on(created.events.CRASH, (event) => {
      ready = false;
      if (!event.payload.restart) restartLater(event.payload.error);
    });
    return created;
  };
  let ready = false;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarts = 0;
  let consumer: Consumer = newConsumer();

  function restartLater(error: Error) {
    if (stopped) return;
    const delay = Math.min(RESTART_BASE_MS * 2 ** restarts, RESTART_MAX_MS);
    restarts += 1;
    logger.error(
      { err: error, inMs: delay },
      'consumer stopped on a non-retriable error; restarting it',
    );
    restartTimer = setTimeout(() => void restart(), delay);
  }

  async function restart() {
    restartTimer = undefined;
    if (stopped) return;
    await consumer.disconnect().catch(() => undefined);
    consumer = newConsumer();
    try {
      await run(consumer);
      restarts = 0;
      logger.info('consumer restarted');
    } catch (error) {
      // Kafka still away, or the store: try again later, never give up.
      await consumer.disconnect().catch(() => undefined);
      restartLater(error as Error);
    }
  }

  const sourceOf = (topic: string, partition: number, message: KafkaMessage) => ({
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers,
  });

  /**
   * Points the group's committed offsets at the store's positions before joining. Only an
   * empty group accepts this: when other members are running, their offsets already follow
   * the store, and joining them is enough.
   */
  async function alignGroupWithStore(positionOf: NonNullable<EventConsumerOptions['positionOf']>) {
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      for (const topic of options.topics) {
        const partitions = await admin.fetchTopicOffsets(topic);
        const positions = await Promise.all(
          partitions.map(async ({ partition }) => ({
            partition,
            offset: (await positionOf(topic, partition)).toString(),
          })),
        );
        await admin
          .setOffsets({ groupId, topic, partitions: positions })
          .catch((error: unknown) => {
            logger.debug({ err: error, topic }, 'group has members; keeping its offsets');
          });
      }
    } finally {
      await admin.disconnect();
    }
  }

  async function decodeOrDeadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<ConsumedEvent | undefined> {
    try {
      const event = await codec.decode(message.value);
      return {
        event,
        topic,
        partition,
        offset: message.offset,
        timestamp: Number(message.timestamp),
      };
    } catch (error) {
      if (error instanceof EventError && error.retriable) throw error;
      const code = error instanceof EventError ? error.code : 'corrupt-payload';
      await deadLetters.publish({
        source: sourceOf(topic, partition, message),
        consumerGroup: groupId,
        errorCode: code,
        reason: (error as Error).message,
      });
      return undefined;
    }
  }

  async function run(consumer: Consumer): Promise<void> {
    if (options.positionOf) await alignGroupWithStore(options.positionOf);
    await consumer.connect();
    await consumer.subscribe({
      topics: options.topics,
      fromBeginning: options.fromBeginning ?? false,
    });
    await consumer.run({
      // Partitions are independent (each is a set of whole conversations): applying several
      // at once hides each batch's round trips; within a partition order is kept.
      partitionsConsumedConcurrently: options.partitionsConcurrently ?? 4,
      autoCommit: true,
      // The group's offsets are a hint (every store keeps its own position and skips what it
      // has), so they are committed at most once a second rather than after every batch: at
      // low rates a batch is one event, and a commit per event was a broker write each.
      autoCommitInterval: COMMIT_INTERVAL_MS,
      eachBatchAutoResolve: false,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        if (batch.messages.length === 0) return;
        const events: ConsumedEvent[] = [];
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) return;
          const consumed = await decodeOrDeadLetter(batch.topic, batch.partition, message);
          if (consumed) events.push(consumed);
        }
        const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
        try {
          await options.handleBatch({
            topic: batch.topic,
            partition: batch.partition,
            events,
            lastOffset,
            highWatermark: batch.highWatermark,
            heartbeat,
          });
        } catch (error) {
          // kafkajs gives up for good on a TypeError or RangeError (the consumer stops and
          // never restarts): whatever the handler threw, the batch must be retried.
          throw new EventError('handler-failed', (error as Error).message, { cause: error });
        }
        resolveOffset(lastOffset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  return {
    get ready() {
      return ready;
    },

    async start() {
      await deadLetters.connect();
      await run(consumer);
      logger.info({ topics: options.topics }, 'consumer started');
    },

    async stop() {
      stopped = true;
      ready = false;
      clearTimeout(restartTimer);
      await consumer.disconnect();
      await deadLetters.disconnect();
    },
  };
}

const RESTART_BASE_MS = 1000;
const RESTART_MAX_MS = 30000;
