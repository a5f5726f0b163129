import { z } from 'zod';
import { atLeast, csv, merged, section, variable } from '../env-schema';
import { serviceEndpoint } from '../service-endpoint';

/**
 * How a consumer group notices a dead member and hands its partitions over. A member that stops
 * heartbeating (kill -9, a lost host) keeps its partitions until its session times out, so the
 * session timeout bounds the stall after a crash; the broker must allow it
 * (group.min.session.timeout.ms, 1 s in the local stack and compose).
 */
const consumerGroupTimings = section({
  sessionTimeoutMs: variable('KAFKA_CONSUMER_SESSION_TIMEOUT_MS', atLeast(500).default(2000)),
  /** Also how long an idle fetch waits at the broker (see createEventConsumer). */
  heartbeatIntervalMs: variable('KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS', atLeast(50).default(500)),
  /** How long the coordinator waits for every member to rejoin a rebalance. */
  rebalanceTimeoutMs: variable('KAFKA_CONSUMER_REBALANCE_TIMEOUT_MS', atLeast(1000).default(20000)),
}).superRefine((timings, ctx) => {
  if (timings.heartbeatIntervalMs * 3 > timings.sessionTimeoutMs) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS'],
      message:
        'at most a third of KAFKA_CONSUMER_SESSION_TIMEOUT_MS, so one late heartbeat does not end the session',
    });
  }
});

export type ConsumerGroupTimings = z.output<typeof consumerGroupTimings>;

export const kafkaSettings = merged(
  serviceEndpoint({
    name: 'KAFKA_BROKERS',
    given: z.string(),
    parse: csv,
    localPort: 'CHAT_KAFKA_PORT',
    local: (port) => [`127.0.0.1:${port}`],
  }),
  section({
    clientId: variable('KAFKA_CLIENT_ID', z.string().default('chat')),
    topicPartitions: variable('KAFKA_TOPIC_PARTITIONS', atLeast(1).default(6)),
    replicationFactor: variable('KAFKA_REPLICATION_FACTOR', atLeast(1).default(1)),
    consumer: consumerGroupTimings,
  }),
);
