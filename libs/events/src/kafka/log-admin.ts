import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export interface PartitionOffsets {
  partition: number;
  /** First offset still in the log. */
  low: string;
  /** Offset the next record will get. */
  high: string;
}

export interface LogAdmin {
  /** Creates missing topics; existing ones are left as they are. Returns the names created. */
  ensureTopics(specs: TopicSpec[]): Promise<string[]>;
  partitionOffsets(topic: string): Promise<PartitionOffsets[]>;
  disconnect(): Promise<void>;
}

export async function createLogAdmin(kafka: Kafka): Promise<LogAdmin> {
  const admin = kafka.admin();
  await admin.connect();
  return {
    async ensureTopics(specs) {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.topic));
      if (missing.length === 0) return [];
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.config).map(([name, value]) => ({
            name,
            value,
          })),
        })),
      });
      return missing.map((spec) => spec.topic);
    },

    async partitionOffsets(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
        .sort((a, b) => a.partition - b.partition);
    },

    disconnect: () => admin.disconnect(),
  };
}
