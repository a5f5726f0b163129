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
  /**
   * Per partition, the first offset whose record was written at or after `timestamp` (epoch
   * ms), or the partition's end when none was.
   */
  offsetsAt(
    topic: string,
    timestamp: number,
  ): Promise<Array<{ partition: number; offset: string }>>;
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

    async offsetsAt(topic, timestamp) {
      const [found, ends] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(topic, timestamp),
        admin.fetchTopicOffsets(topic),
      ]);
      const endOf = new Map(ends.map((o) => [o.partition, o.high]));
      return found
        .map((o) => ({
          partition: o.partition,
          offset: o.offset === '-1' ? endOf.get(o.partition)! : o.offset,
        }))
        .sort((a, b) => a.partition - b.partition);
    },

    disconnect: () => admin.disconnect(),
  };
}
