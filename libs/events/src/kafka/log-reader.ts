import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { EventCodec } from '../codec/event-codec';
import type { ConsumedEvent } from './event-consumer';

/** A stretch of one topic: per partition, from an offset (inclusive) to one (exclusive). */
export interface LogRange {
  topic: string;
  partitions: Array<{ partition: number; from: string; to: string }>;
}

export interface UnreadableRecord {
  partition: number;
  offset: string;
  reason: string;
}

/**
 * Reads a range of the log once, decoding every record through the registry (whatever schema
 * version wrote it), in offset order per partition. No consumer group offsets are committed:
 * reading leaves no trace. Records that cannot be decoded are reported, not thrown.
 */
export async function readLogRange(
  kafka: Kafka,
  codec: EventCodec,
  range: LogRange,
  handlers: {
    onEvent(event: ConsumedEvent): void | Promise<void>;
    onUnreadable?(record: UnreadableRecord): void;
  },
  options: { fetchBytes?: number } = {},
): Promise<void> {
  const wanted = range.partitions.filter((p) => BigInt(p.from) < BigInt(p.to));
  if (wanted.length === 0) return;
  const remaining = new Map(wanted.map((p) => [p.partition, BigInt(p.to)]));
  const consumer = kafka.consumer({
    groupId: `chat-replay-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: options.fetchBytes ?? 1024 * 1024,
  });
  await consumer.connect();
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  try {
    await consumer.subscribe({ topics: [range.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const to = remaining.get(batch.partition);
        if (to === undefined) return;
        try {
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset >= to) break;
            // Resolved (never committed): the next fetch starts after it.
            resolveOffset(message.offset);
            try {
              const event = await codec.decode(message.value);
              await handlers.onEvent({
                event,
                topic: batch.topic,
                partition: batch.partition,
                offset: message.offset,
                timestamp: Number(message.timestamp),
              });
            } catch (error) {
              handlers.onUnreadable?.({
                partition: batch.partition,
                offset: message.offset,
                reason: (error as Error).message,
              });
            }
          }
          await heartbeat();
          const last = batch.messages.at(-1);
          if (last && BigInt(last.offset) + 1n >= to) {
            remaining.delete(batch.partition);
            consumer.pause([{ topic: range.topic, partitions: [batch.partition] }]);
            if (remaining.size === 0) finish();
          }
        } catch (error) {
          fail(error);
        }
      },
    });
    for (const { partition, from } of wanted)
      consumer.seek({ topic: range.topic, partition, offset: from });
    // Partitions outside the range are not read at all.
    const outside = (await partitionsOf(kafka, range.topic)).filter(
      (partition) => !remaining.has(partition),
    );
    if (outside.length > 0) consumer.pause([{ topic: range.topic, partitions: outside }]);
    await finished;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The topic's partitions, through an admin of its own that is closed again: a reader runs
 * inside long-lived projectors too (a parked conversation's resume), where a leaked admin
 * would keep its broker connections for good.
 */
async function partitionsOf(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.fetchTopicOffsets(topic)).map((o) => o.partition);
  } catch {
    return [];
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
