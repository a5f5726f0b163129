import { Counter, Histogram } from 'prom-client';

/** What the notifier decided and how fast, in the projectors' /metrics. */
export const pushMetrics = {
  pushes: new Counter({
    name: 'chat_push_total',
    help: 'Push decisions per recipient device, by outcome (sent, failed, gone, skipped_online, skipped_muted, skipped_delivered); skipped_stale counts messages, whose recipients are never looked up',
    labelNames: ['outcome'] as const,
  }),
  decisionSeconds: new Histogram({
    name: 'chat_push_decision_latency_seconds',
    help: 'From a message being due (sent at + window) to its push being accepted by the push service',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
  attempts: new Counter({
    name: 'chat_push_attempts_total',
    help: 'Requests to push services, by how each ended (sent, gone, retry, failed)',
    labelNames: ['result'] as const,
  }),
};
