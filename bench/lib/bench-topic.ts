import type { Config } from '@chat/config';
import { createKafka, createLogAdmin } from '@chat/events';
import { createLogger } from '@chat/observability';

/** A benchmark's own topic: one partition, its records kept ten minutes. Idempotent. */
export async function ensureBenchTopic(config: Config, topic: string): Promise<void> {
  const logger = createLogger('bench', 'fatal');
  const admin = await createLogAdmin(
    createKafka({ brokers: config.kafka.value, clientId: `bench-${topic}` }, logger),
  );
  try {
    await admin.ensureTopics([
      { topic, partitions: 1, replicationFactor: 1, config: { 'retention.ms': '600000' } },
    ]);
  } finally {
    await admin.disconnect();
  }
}
