import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createLogAdmin } from '../kafka/log-admin';
import { waitFor } from './wait-for';

export interface TailedRecord {
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads what was appended to a topic after a mark, without a consumer group's history:
 * `mark()` notes each partition's end, `collect()` reads from there until `until` is satisfied.
 */
export async function markLogEnd(kafka: Kafka, topic: string) {
  const admin = await createLogAdmin(kafka);
  const ends = await admin.partitionOffsets(topic);
  await admin.disconnect();

  return {
    async collect(
      until: (records: TailedRecord[]) => boolean,
      timeoutMs = 15000,
    ): Promise<TailedRecord[]> {
      const records: TailedRecord[] = [];
      const consumer = kafka.consumer({ groupId: `tail-${randomUUID()}`, maxWaitTimeInMs: 50 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          records.push({ partition, message });
        },
      });
      ends.forEach(({ partition, high }) => consumer.seek({ topic, partition, offset: high }));
      try {
        await waitFor(`records on ${topic}`, () => (until(records) ? true : undefined), {
          timeoutMs,
        });
        return records;
      } finally {
        await consumer.disconnect();
      }
    },
  };
}
