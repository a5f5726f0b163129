import type { Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from '@chat/observability';
import type { EventCodec } from '../codec/event-codec';
import { EventError } from '../errors';
import type { ChatEvent } from '../generated/event-types';
import { HEADERS, partitionKeyOf, topicOf } from '../topics';

export interface EventAppenderOptions {
  kafka: Kafka;
  codec: EventCodec;
  logger: Logger;
  /** Appends per produce request at most. */
  maxBatchSize?: number;
}

export interface EventAppender {
  connect(): Promise<void>;
  /**
   * Appends the events (acks=all, idempotent producer, keyed by conversation or user id) and
   * resolves only once Kafka has them. Rejects with a retriable EventError('log-unavailable')
   * when the log cannot be reached: then nothing was acknowledged.
   */
  append(events: ChatEvent[]): Promise<void>;
  disconnect(): Promise<void>;
}

interface Pending {
  messages: Array<{ topic: string; message: Message }>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Concurrent appends share produce requests: those of one turn of the event loop go together,
 * and those that arrive while a request is in flight go together in the next one (one request
 * at a time). So a burst of sends costs one round trip to the broker instead of one each, and
 * an append alone is not held back by a timer (a linger would add its length to every send
 * at low rates). Every caller still waits for its own acknowledgement.
 */
export function createEventAppender(options: EventAppenderOptions): EventAppender {
  const { kafka, codec } = options;
  const maxBatchSize = options.maxBatchSize ?? 500;
  const logger = options.logger.child({ component: 'event-appender' });
  // One in-flight request keeps the idempotent producer's ordering guarantee simple.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });

  // Connected on first use and again after a failure, so an app can start while Kafka is
  // down (and say so in readiness) and recover when it is back.
  let connection: Promise<void> | undefined;
  const connected = () => {
    connection ??= producer.connect().catch((error: unknown) => {
      connection = undefined;
      throw error;
    });
    return connection;
  };

  let queue: Pending[] = [];
  let turnEnd: NodeJS.Immediate | undefined;
  // The requests in order, one at a time: a flush queued behind one in flight takes every
  // append that arrived meanwhile.
  let flushing: Promise<void> = Promise.resolve();

  function scheduleFlush() {
    if (queue.length >= maxBatchSize) {
      clearImmediate(turnEnd);
      turnEnd = undefined;
      flushing = flushing.then(flush);
    } else if (!turnEnd) {
      turnEnd = setImmediate(() => {
        turnEnd = undefined;
        flushing = flushing.then(flush);
      });
    }
  }

  async function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const pending of batch) {
      for (const { topic, message } of pending.messages) {
        const messages = byTopic.get(topic);
        if (messages) messages.push(message);
        else byTopic.set(topic, [message]);
      }
    }
    try {
      await connected();
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({
          topic,
          messages,
        })),
      });
      batch.forEach((pending) => pending.resolve());
    } catch (error) {
      logger.warn({ err: error, appends: batch.length }, 'append failed');
      const failure = new EventError('log-unavailable', (error as Error).message, { cause: error });
      batch.forEach((pending) => pending.reject(failure));
    }
  }

  return {
    async connect() {
      try {
        await connected();
      } catch (error) {
        throw new EventError('log-unavailable', (error as Error).message, {
          cause: error,
        });
      }
    },

    async append(events) {
      if (events.length === 0) return;
      const messages = await Promise.all(
        events.map(async (event) => ({
          topic: topicOf(event.type),
          message: {
            key: partitionKeyOf(event),
            value: await codec.encode(event),
            headers: { [HEADERS.eventType]: event.type },
          },
        })),
      );
      return new Promise<void>((resolve, reject) => {
        queue.push({ messages, resolve, reject });
        scheduleFlush();
      });
    },

    async disconnect() {
      clearImmediate(turnEnd);
      turnEnd = undefined;
      flushing = flushing.then(flush);
      await flushing;
      await producer.disconnect();
    },
  };
}
