import type { Config } from '@chat/config';
import { createLogger, type Logger } from '@chat/observability';
import { createEventCodec } from './codec/event-codec';
import { createKafka } from './kafka/kafka-client';
import { createLogAdmin, type TopicSpec } from './kafka/log-admin';
import { TOPICS } from './topics';

const FOREVER = '-1';
const SEVEN_DAYS_MS = String(7 * 24 * 3600 * 1000);

/** The topics of the system and why each keeps what it keeps. */
export function topicSpecs(config: Config): TopicSpec[] {
  const { topicPartitions: partitions, replicationFactor } = config.kafka;
  // With replicas, a write needs two in-sync copies before acks=all answers.
  const durable = {
    'min.insync.replicas': String(Math.min(2, replicationFactor)),
  };
  return [
    // The event store: never expires, it is the source of truth for every projection.
    {
      topic: TOPICS.conversations,
      partitions,
      replicationFactor,
      config: { ...durable, 'retention.ms': FOREVER },
    },
    // Presence is only interesting while recent.
    {
      topic: TOPICS.presence,
      partitions,
      replicationFactor,
      config: { ...durable, 'retention.ms': SEVEN_DAYS_MS },
    },
    // Who owns which media id: read back by the sweeper of unreferenced uploads.
    {
      topic: TOPICS.media,
      partitions,
      replicationFactor,
      config: { ...durable, 'retention.ms': FOREVER },
    },
    // Push subscriptions and mutes are state like any other: a rebuilt notifier needs them all.
    {
      topic: TOPICS.notifications,
      partitions,
      replicationFactor,
      config: { ...durable, 'retention.ms': FOREVER },
    },
    // Dead letters wait for a person, however long that takes.
    {
      topic: TOPICS.deadLetters,
      partitions: 1,
      replicationFactor,
      config: { ...durable, 'retention.ms': FOREVER },
    },
  ];
}

/** Creates the topics and registers every event schema. Safe to run any number of times. */
export async function bootstrapEventLog(
  config: Config,
  logger: Logger = createLogger('bootstrap', config.logLevel),
): Promise<{ createdTopics: string[]; subjects: Map<string, number> }> {
  const kafka = createKafka(
    {
      brokers: config.kafka.value,
      clientId: `${config.kafka.clientId}-bootstrap`,
    },
    logger,
  );
  const admin = await createLogAdmin(kafka);
  try {
    const createdTopics = await admin.ensureTopics(topicSpecs(config));
    const subjects = await createEventCodec({
      registryUrl: config.registry.value,
    }).registerAll();
    logger.info({ createdTopics, subjects: subjects.size }, 'event log ready');
    return { createdTopics, subjects };
  } finally {
    await admin.disconnect();
  }
}
