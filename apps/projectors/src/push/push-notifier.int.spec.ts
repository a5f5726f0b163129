import { randomUUID } from 'node:crypto';
import { loadConfigWith } from '@chat/config';
import { collapseTopicOf } from '@chat/domain';
import { createEventAppender, createEventCodec, TOPICS, type ChatEvent } from '@chat/events';
import { envelopeFor, eventLogFixture, waitFor } from '@chat/events/testing';
import { createPgPool } from '@chat/storage';
import {
  inboxSchemaOf,
  PROJECTIONS,
  PUSH_LEDGER_TABLE,
  pushSchemaOf,
  viewVersions,
} from '@chat/views';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startEventRecorder, type EventRecorder } from '../../../../test/harness/event-recorder';
import {
  startPushService,
  type TestPushService,
  type TestSubscription,
} from '../../../../test/harness/push-service';
import { startProjections, type RunningProjections } from '../start-projections';

/**
 * The notifier end to end: commands through the command API, the inbox, presence and push
 * projections in this process (a push version of its own), Web Push to a real RFC 8030 push
 * service on loopback that checks VAPID and decrypts every push.
 */
const WINDOW_MS = 1500;
const env = { CHAT_PUSH_WINDOW_MS: String(WINDOW_MS), CHAT_PUSH_RETRY_BASE_MS: '100' };
const config = loadConfigWith({ LOG_LEVEL: 'silent', ...env });
const { kafka, logger, registryUrl } = eventLogFixture('push-notifier');
const run = randomUUID().slice(0, 8);
const version = 300000 + Math.floor(Math.random() * 1000000);
const pool = createPgPool(config, { max: 2 });
const appender = createEventAppender({
  kafka,
  codec: createEventCodec({ registryUrl }),
  logger,
});

let api: CommandApi;
let projections: RunningProjections;
let push: TestPushService;
let log: EventRecorder;

beforeAll(async () => {
  [api, push, log] = await Promise.all([
    startCommandApi(env),
    startPushService({ vapidPublicKey: config.push.vapid.publicKey }),
    startEventRecorder(kafka, registryUrl, TOPICS.notifications),
  ]);
  projections = await startProjections(config, {
    only: [PROJECTIONS.inbox, PROJECTIONS.presence, PROJECTIONS.push],
    versions: { push: version },
    logger,
  });
  await waitFor('the projections to join their groups', () => projections.ready || undefined, {
    timeoutMs: 30000,
  });
});

afterAll(async () => {
  await projections?.stop();
  await viewVersions(PROJECTIONS.push, { pool, cassandra: undefined as never, keyspace: '' }).drop(
    version,
  );
  await Promise.all([api?.close(), push?.close(), log?.stop(), appender.disconnect(), pool.end()]);
});

afterEach(() => expect(push.violations()).toEqual([]));

const user = (name: string) => `${name}-${run}`;

/** Waits until the push version has (or, with `present` false, no longer has) such a row. */
function inPushView(what: string, tableAndCondition: string, params: unknown[], present = true) {
  return waitFor(`${what} in the push view`, async () => {
    const { rows } = await pool.query(
      `SELECT 1 FROM ${pushSchemaOf(version)}.${tableAndCondition}`,
      params,
    );
    return rows.length > 0 === present || undefined;
  });
}

/** A device of a user with a push subscription the notifier has read. */
async function subscribedDevice(userId: string, deviceId: string): Promise<TestSubscription> {
  const subscription = push.subscribe();
  const client = await api.as(userId, deviceId);
  expect(
    (await client.put('/v1/me/push-subscription', push.registration(subscription))).status,
  ).toBe(202);
  await inPushView(
    `${userId}/${deviceId}'s subscription`,
    'subscriptions WHERE user_id = $1 AND device_id = $2 AND endpoint = $3',
    [userId, deviceId, subscription.endpoint],
  );
  return subscription;
}

/** Two devices of one user, subscribed. */
const subscribedDevices = (userId: string, first: string, second: string) =>
  Promise.all([subscribedDevice(userId, first), subscribedDevice(userId, second)]);

async function group(ownerId: string, members: string[]): Promise<string> {
  const owner = await api.as(ownerId, 'phone');
  const created = await owner.post('/v1/conversations/groups', { title: 'push', members });
  expect(created.status).toBe(202);
  return created.body.conversationId as string;
}

async function send(senderId: string, conversationId: string, body: object) {
  const client = await api.as(senderId, 'phone');
  const sent = await client.post(`/v1/conversations/${conversationId}/messages`, {
    clientMessageId: randomUUID(),
    ...body,
  });
  expect(sent.status).toBe(202);
  return sent.body.messageId as string;
}

/** The ledger's decision for one device, once the notifier made it. */
function decision(conversationId: string, messageId: string, userId: string, deviceId: string) {
  return waitFor(`the decision for ${userId}/${deviceId}`, async () => {
    const { rows } = await pool.query<{ outcome: string; attempts: number }>(
      `SELECT outcome, attempts FROM ${PUSH_LEDGER_TABLE}
       WHERE conversation_id = $1 AND message_id = $2 AND device_user_id = $3 AND device_id = $4
         AND outcome <> 'claimed'`,
      [conversationId, messageId, userId, deviceId],
    );
    return rows[0];
  });
}

describe('push notifications', () => {
  it('should push an offline device once per message, with preview, badge and collapse topic', async () => {
    const [alice, bob] = [user('alice'), user('bob')];
    const bobPhone = await subscribedDevice(bob, 'phone');
    const alicePhone = await subscribedDevice(alice, 'phone');
    const conversationId = await group(alice, [bob]);

    await send(alice, conversationId, { body: 'hello bob' });
    const [first] = await push.waitForPushes(bobPhone, 1);
    // Seq 1 is the group's creation notice, which members start having read (read seq 1), so
    // the first message is seq 2 and bob's unread is 2 - 1 = 1.
    expect(first!.payload).toEqual({
      conversationId,
      seq: 2,
      senderId: alice,
      preview: 'hello bob',
      badge: 1,
    });
    expect(first).toMatchObject({ topic: collapseTopicOf(conversationId), urgency: 'high' });

    const encrypted = await send(alice, conversationId, {
      body: null,
      ciphertext: { algorithm: 'x25519-aes-gcm', data: Buffer.from('secret').toString('base64') },
    });
    const [, second] = await push.waitForPushes(bobPhone, 2);
    expect(second!.payload).toEqual({ conversationId, seq: 3, generic: true, badge: 2 });
    expect(JSON.stringify(second!.payload)).not.toContain(alice);

    // Exactly once, and nothing to the sender's own devices.
    await decision(conversationId, encrypted, bob, 'phone');
    expect(push.pushesTo(bobPhone)).toHaveLength(2);
    expect(push.requestsTo(alicePhone)).toBe(0);
  });

  it('should push the text of an edit made within the push window', async () => {
    const [alice, bob, carol] = [user('alice5'), user('bob5'), user('carol5')];
    const bobPhone = await subscribedDevice(bob, 'phone');
    const conversationId = await group(alice, [bob, carol]);
    const messageId = `edited-${run}`;
    // Sent "two seconds from now": its push is due a window after that, whatever the views'
    // lag on a busy machine, so the edit is in the views by then.
    const sent: ChatEvent = {
      type: 'MessageSent',
      envelope: envelopeFor('MessageSent', alice, Date.now() + 2000),
      conversationId,
      messageId,
      clientMessageId: messageId,
      senderId: alice,
      deviceId: 'phone',
      kind: 'TEXT',
      body: 'meet at 5',
      replyTo: null,
      ciphertext: null,
      media: null,
    };
    const edit = (editorId: string, body: string): ChatEvent => ({
      type: 'MessageEdited',
      envelope: envelopeFor('MessageEdited', editorId),
      conversationId,
      messageId,
      editorId,
      body,
      ciphertext: null,
    });
    // The author's edit, then one the rules refuse (not the author): it must not reach the push.
    await appender.append([sent, edit(alice, 'meet at 6'), edit(carol, 'forged')]);

    const [pushed] = await push.waitForPushes(bobPhone, 1);
    expect(pushed!.payload).toMatchObject({
      conversationId,
      senderId: alice,
      preview: 'meet at 6',
    });
  });

  it('should not push a device that is connected or that acked the message', async () => {
    const [alice, bob] = [user('alice2'), user('bob2')];
    const [laptop, phone] = await subscribedDevices(bob, 'laptop', 'phone');
    const conversationId = await group(alice, [bob]);
    // The laptop has a live socket: the gateway's Connected event, as presence sees it.
    await appender.append([
      {
        type: 'Connected',
        envelope: envelopeFor('Connected', bob),
        userId: bob,
        deviceId: 'laptop',
        gatewayId: `gateway-${run}`,
      },
    ]);
    const messageId = await send(alice, conversationId, { body: 'are you there?' });
    // The phone acks delivery before the window is over.
    const seq = await waitFor('the message in the inbox', async () => {
      const { rows } = await pool.query<{ seq: number }>(
        `SELECT seq FROM ${inboxSchemaOf(projections.versions.inbox!)}.messages
          WHERE conversation_id = $1 AND message_id = $2`,
        [conversationId, messageId],
      );
      return rows[0]?.seq;
    });
    const bobPhone = await api.as(bob, 'phone');
    const acked = await bobPhone.post(`/v1/conversations/${conversationId}/delivered`, {
      upToSeq: Number(seq),
    });
    expect(acked.status).toBe(202);

    expect(await decision(conversationId, messageId, bob, 'laptop')).toMatchObject({
      outcome: 'skipped_online',
    });
    expect(await decision(conversationId, messageId, bob, 'phone')).toMatchObject({
      outcome: 'skipped_delivered',
    });
    expect(push.requestsTo(laptop) + push.requestsTo(phone)).toBe(0);
  });

  it('should not push a conversation the member muted', async () => {
    const [alice, bob] = [user('alice3'), user('bob3')];
    const phone = await subscribedDevice(bob, 'phone');
    const conversationId = await group(alice, [bob]);
    const bobClient = await api.as(bob, 'phone');
    expect(
      (await bobClient.put(`/v1/conversations/${conversationId}/mute`, { muted: true })).status,
    ).toBe(202);
    await inPushView('the mute', 'mutes WHERE user_id = $1', [bob]);
    const messageId = await send(alice, conversationId, { body: 'psst' });
    expect(await decision(conversationId, messageId, bob, 'phone')).toMatchObject({
      outcome: 'skipped_muted',
    });
    expect(push.requestsTo(phone)).toBe(0);
  });

  it('should remove a subscription its push service says is gone (410), and push there no more', async () => {
    const [alice, bob] = [user('alice4'), user('bob4')];
    const [phone, tablet] = await subscribedDevices(bob, 'phone', 'tablet');
    push.answer(phone, { status: 410 });
    const conversationId = await group(alice, [bob]);
    const first = await send(alice, conversationId, { body: 'one' });
    expect(await decision(conversationId, first, bob, 'phone')).toMatchObject({ outcome: 'gone' });
    const [removed] = await log.waitFor(
      'the removal in the log',
      (e) => e.type === 'PushSubscriptionRemoved' && e.userId === bob,
    );
    expect(removed).toMatchObject({ deviceId: 'phone', endpoint: phone.endpoint, reason: 'gone' });
    await inPushView(
      'the subscription gone',
      `subscriptions WHERE user_id = $1 AND device_id = 'phone'`,
      [bob],
      false,
    );

    const second = await send(alice, conversationId, { body: 'two' });
    await push.waitForPushes(tablet, 2);
    expect(await decision(conversationId, second, bob, 'tablet')).toMatchObject({
      outcome: 'sent',
    });
    expect(push.requestsTo(phone)).toBe(1);
    expect(push.pushesTo(phone)).toEqual([]);
  });

  it('should retry a 500 and a 429 (after its Retry-After) and deliver exactly once', async () => {
    const [alice, bob] = [user('alice5'), user('bob5')];
    const phone = await subscribedDevice(bob, 'phone');
    push.answer(phone, { status: 500 }, { status: 429, retryAfter: '1' });
    const conversationId = await group(alice, [bob]);
    const messageId = await send(alice, conversationId, { body: 'persist' });
    expect(await decision(conversationId, messageId, bob, 'phone')).toEqual({
      outcome: 'sent',
      attempts: 3,
    });
    expect(push.pushesTo(phone)).toHaveLength(1);
    expect(push.requestsTo(phone)).toBe(3);
  });
});
