import { randomUUID } from 'node:crypto';
import { loadConfigWith } from '@chat/config';
import { TOPICS } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createPgPool } from '@chat/storage';
import {
  positionsOf,
  PROJECTIONS,
  PUSH_LEDGER_TABLE,
  pushSchemaOf,
  viewVersions,
} from '@chat/views';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import {
  killEveryProjectorProcess,
  startProjectorProcess,
  type ProjectorProcess,
} from '../../../../test/harness/projector-process';
import {
  startPushService,
  type TestPushService,
  type TestSubscription,
} from '../../../../test/harness/push-service';

/**
 * Sent once, whatever happens to the notifier: a projector process running it is killed
 * with SIGKILL while it is pushing one message to a group, a new one takes over, and then a
 * rebuild (a new push version from offset 0) replays every message. No device may get any
 * message twice.
 */
const MEMBERS = 30;
// Slow on purpose: 30 pushes take 3 s, so the kill lands mid-batch.
const env = {
  CHAT_PUSH_RATE_PER_SECOND: '10',
  CHAT_PUSH_WINDOW_MS: '500',
  LOG_LEVEL: 'error',
};
const config = loadConfigWith(env);
const { kafka, logger } = eventLogFixture('push-crash');
const run = randomUUID().slice(0, 8);
const fresh = () => 400000 + Math.floor(Math.random() * 1000000);
const [version, rebuilt] = [fresh(), fresh()];
const pool = createPgPool(config, { max: 2 });
const stores = { pool, cassandra: undefined as never, keyspace: config.cassandra.keyspace };
const alice = `alice-${run}`;
const members = Array.from({ length: MEMBERS }, (_, i) => `member-${run}-${i}`);

let api: CommandApi;
let push: TestPushService;
let inbox: Awaited<ReturnType<typeof startInboxProjector>>;
const devices = new Map<string, TestSubscription>();

beforeAll(async () => {
  [api, push, inbox] = await Promise.all([
    startCommandApi(env),
    startPushService({ vapidPublicKey: config.push.vapid.publicKey }),
    startInboxProjector(config, kafka, logger),
  ]);
  for (const member of members) {
    const subscription = push.subscribe();
    const client = await api.as(member, 'phone');
    const registered = await client.put(
      '/v1/me/push-subscription',
      push.registration(subscription),
    );
    expect(registered.status).toBe(202);
    devices.set(member, subscription);
  }
});

afterAll(async () => {
  await killEveryProjectorProcess();
  for (const v of [version, rebuilt]) await viewVersions(PROJECTIONS.push, stores).drop(v);
  await Promise.all([api?.close(), push?.close(), inbox?.stop(), pool.end()]);
});

/** Pushes each member's device got for the message with this seq. */
const pushesOf = (seq: number) =>
  members.map(
    (member) =>
      push.pushesTo(devices.get(member)!).filter((p) => (p.payload as { seq: number }).seq === seq)
        .length,
  );

/** Waits until every member's device got the message with this seq once. */
const everyDeviceGets = (seq: number, notifier: ProjectorProcess) =>
  waitFor(
    `every device to get the message with seq ${seq}`,
    () => {
      notifier.assertAlive();
      return pushesOf(seq).every((n) => n === 1) || undefined;
    },
    { timeoutMs: 30000 },
  );

async function subscriptionsIn(v: number) {
  await waitFor(
    `every subscription in push version ${v}`,
    async () => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${pushSchemaOf(v)}.subscriptions WHERE user_id = ANY($1)`,
        [members],
      );
      return rows[0]!.n === MEMBERS || undefined;
    },
    { timeoutMs: 60000 },
  );
}

async function send(conversationId: string, body: string) {
  const client = await api.as(alice, 'phone');
  const sent = await client.post(`/v1/conversations/${conversationId}/messages`, {
    clientMessageId: randomUUID(),
    body,
  });
  expect(sent.status).toBe(202);
  return sent.body.messageId as string;
}

/** Members whose push of this message the ledger shows claimed and never recorded as sent. */
const claimedNeverSent = async (messageId: string) =>
  (
    await pool.query<{ user_id: string }>(
      `SELECT device_user_id AS user_id FROM ${PUSH_LEDGER_TABLE} WHERE message_id = $1 AND outcome = 'claimed'`,
      [messageId],
    )
  ).rows
    .map((row) => row.user_id)
    .sort();

describe('the notifier killed mid-batch, then rebuilt', () => {
  it('should push no device any message twice', async () => {
    const owner = await api.as(alice, 'phone');
    const created = await owner.post('/v1/conversations/groups', { title: 'crash', members });
    const { conversationId } = created.body as { conversationId: string };

    const first = startProjectorProcess({ push: version }, env);
    await subscriptionsIn(version);
    const m1 = await send(conversationId, 'one');
    // Seq 1 is the creation notice: the first message is seq 2.
    await waitFor('some pushes of the first message', () => {
      first.assertAlive();
      return pushesOf(2).reduce((a, b) => a + b, 0) >= 5 || undefined;
    });
    await first.kill('SIGKILL');
    const beforeTakeover = pushesOf(2).reduce((a, b) => a + b, 0);
    expect(beforeTakeover).toBeLessThan(MEMBERS); // the kill did land mid-batch

    const second = startProjectorProcess({ push: version }, env);
    await send(conversationId, 'two');
    await everyDeviceGets(3, second);
    // Every device got the first message at most once. Those it never got were claimed by
    // the killed process and not sent before it died: at most once, never twice.
    expect(pushesOf(2).every((n) => n <= 1)).toBe(true);
    // A push the kill landed on between the send and its record is delivered but still shows
    // claimed; a device that got nothing is always among the claimed (never silently dropped).
    const missed = members.filter((_, i) => pushesOf(2)[i] === 0).sort();
    expect(await claimedNeverSent(m1)).toEqual(expect.arrayContaining(missed));
    await second.kill('SIGTERM');

    // A rebuild: a new version from offset 0 reads both messages again.
    const rebuild = startProjectorProcess({ push: rebuilt }, env);
    await subscriptionsIn(rebuilt);
    const m3 = await send(conversationId, 'three');
    await everyDeviceGets(4, rebuild);
    // The rebuilt version has read past every message and decided each one.
    const positions = await positionsOf(stores, PROJECTIONS.push, rebuilt, TOPICS.conversations);
    expect([...positions.values()].length).toBeGreaterThan(0);
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${pushSchemaOf(rebuilt)}.pending WHERE conversation_id = $1`,
      [conversationId],
    );
    expect(rows[0]!.n).toBe(0);
    expect(pushesOf(2).every((n) => n <= 1)).toBe(true);
    expect(pushesOf(3).every((n) => n === 1)).toBe(true);
    // A device can have the push a moment before its record says sent: wait for the record.
    await waitFor('every push of the third message recorded', async () =>
      (await claimedNeverSent(m3)).length === 0 ? true : undefined,
    );
    expect(await claimedNeverSent(m3)).toEqual([]);
    expect(push.violations()).toEqual([]);
    await rebuild.kill('SIGTERM');
    // Three notifier processes start one after the other, each reading the log from offset 0.
  }, 180000);
});
