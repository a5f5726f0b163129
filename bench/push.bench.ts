import { randomUUID } from 'node:crypto';
import { loadConfigWith } from '@chat/config';
import { waitFor } from '@chat/events/testing';
import { createLogger } from '@chat/observability';
import { createPgPool } from '@chat/storage';
import { PROJECTIONS, pushSchemaOf, viewVersions } from '@chat/views';
import { startProjections } from '../apps/projectors/src/start-projections';
import { startCommandApi } from '../test/harness/command-api';
import { startPushService, type TestSubscription } from '../test/harness/push-service';
import { percentiles, round } from './lib/stats';

/**
 * Push throughput and decision latency through the whole notifier: the command API, the inbox
 * and a push version of its own in this process, a group of N members each with one
 * subscribed device (all offline), M messages sent at once, every push encrypted and VAPID-
 * signed by web-push and received (checked and decrypted) by the loopback test push service.
 * Decision latency: from a message's due time (its send + the window) to its push arriving.
 *
 * Usage: npm run bench:push -- [members=500] [messages=4] [ratePerSecond=1000]
 * (members at most CHAT_MAX_GROUP_MEMBERS - 1: the sender is a member too)
 */
async function main() {
  const members = Number(process.argv[2] ?? 500);
  const messages = Number(process.argv[3] ?? 4);
  const rate = process.argv[4] ?? '1000';
  const windowMs = 1000;
  const env = {
    LOG_LEVEL: 'silent',
    CHAT_PUSH_WINDOW_MS: String(windowMs),
    CHAT_PUSH_RATE_PER_SECOND: rate,
    CHAT_RATE_LIMIT_PER_SECOND: '100000',
    CHAT_RATE_LIMIT_BURST: '100000',
    // Its push service listens on loopback.
    CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS: 'on',
  };
  const config = loadConfigWith(env);
  const version = 900000 + Math.floor(Math.random() * 90000);
  const pool = createPgPool(config, { max: 2 });
  const run = randomUUID().slice(0, 8);
  const users = Array.from({ length: members }, (_, i) => `bench-${run}-${i}`);
  const [api, push] = await Promise.all([
    startCommandApi(env),
    startPushService({ vapidPublicKey: config.push.vapid.publicKey }),
  ]);
  const projections = await startProjections(config, {
    only: [PROJECTIONS.inbox, PROJECTIONS.push],
    versions: { push: version },
    logger: createLogger('bench-push', 'silent'),
  });
  try {
    const devices: TestSubscription[] = [];
    for (const userId of users) {
      const subscription = push.subscribe();
      const client = await api.as(userId, 'phone');
      await client.put('/v1/me/push-subscription', push.registration(subscription));
      devices.push(subscription);
    }
    const sender = await api.as(`bench-${run}-sender`, 'phone');
    const created = await sender.post('/v1/conversations/groups', {
      title: 'bench',
      members: users,
    });
    if (created.status !== 202) throw new Error(`group refused: ${JSON.stringify(created.body)}`);
    const { conversationId } = created.body as { conversationId: string };
    await waitFor(
      'every subscription in the push view',
      async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${pushSchemaOf(version)}.subscriptions
           WHERE user_id = ANY($1)`,
          [users],
        );
        return rows[0]!.n === members || undefined;
      },
      { timeoutMs: 120000 },
    );

    const cpuBefore = process.cpuUsage();
    const sentAt = new Map<number, number>(); // seq -> just before the send
    for (let i = 0; i < messages; i++) {
      sentAt.set(i + 2, Date.now()); // seq 1 is the creation notice
      await sender.post(`/v1/conversations/${conversationId}/messages`, {
        clientMessageId: randomUUID(),
        body: `message ${i}`,
      });
    }
    const total = members * messages;
    const count = () => devices.reduce((sum, d) => sum + push.pushesTo(d).length, 0);
    await waitFor('every push', () => (count() >= total ? true : undefined), {
      timeoutMs: 60000 + (total / Number(rate)) * 3000,
      intervalMs: 100,
    });
    const cpu = process.cpuUsage(cpuBefore);
    const received = devices.flatMap((d) => push.pushesTo(d));
    const arrivals = received.map((p) => p.at).sort((a, b) => a - b);
    const latencies = received.map(
      (p) => p.at - (sentAt.get((p.payload as { seq: number }).seq)! + windowMs),
    );
    const spanS = (arrivals[arrivals.length - 1]! - arrivals[0]!) / 1000;
    const latency = percentiles(latencies);
    console.log(
      JSON.stringify({
        members,
        messages,
        configuredRatePerSecond: Number(rate),
        pushes: received.length,
        duplicates: received.length - total,
        violations: push.violations().length,
        pushesPerSecond: round((received.length - 1) / spanS),
        decisionLatencyMs: {
          p50: latency.p50,
          p90: latency.p90,
          p99: latency.p99,
          max: latency.max,
        },
        benchProcessCpuMsPerPush: round((cpu.user + cpu.system) / 1000 / received.length, 2),
      }),
    );
  } finally {
    await projections.stop();
    await viewVersions(PROJECTIONS.push, {
      pool,
      cassandra: undefined as never,
      keyspace: '',
    }).drop(version);
    await Promise.all([api.close(), push.close(), pool.end()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
