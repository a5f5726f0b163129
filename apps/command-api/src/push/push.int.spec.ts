import { randomUUID } from 'node:crypto';
import { partitionKeyOf, TOPICS } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startEventRecorder, type EventRecorder } from '../../../../test/harness/event-recorder';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { startTogether } from '../../../../test/harness/start-together';

const { config, logger, kafka, registryUrl } = eventLogFixture('push-commands');
const run = randomUUID().slice(0, 8);
const alice = `alice-${run}`;
const bob = `bob-${run}`;
const subscription = {
  endpoint: `https://push.example.test/send/${run}`,
  keys: {
    p256dh:
      'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
    auth: 'tBHItJI5svbpez7KI4CCXg',
  },
};

let api: CommandApi;
let log: EventRecorder;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;

beforeAll(async () => {
  [api, log, projector] = await startTogether([
    startCommandApi(),
    startEventRecorder(kafka, registryUrl, TOPICS.notifications),
    startInboxProjector(config, kafka, logger),
  ]);
});

afterAll(() => Promise.all([api.close(), log.stop(), projector.stop()]));

describe('push subscriptions', () => {
  it('appends the device subscription on the notifications topic, keyed by the user', async () => {
    const phone = await api.as(alice, 'phone');
    const registered = await phone.put('/v1/me/push-subscription', subscription);
    expect(registered.status).toBe(202);
    const [event] = await log.waitFor(
      'the subscription event',
      (e) => e.type === 'PushSubscriptionRegistered' && e.userId === alice,
    );
    expect(event).toMatchObject({
      deviceId: 'phone',
      endpoint: subscription.endpoint,
      ...subscription.keys,
    });
    expect(event!.envelope.eventId).toBe(registered.body.eventIds[0]);
    expect(partitionKeyOf(event!)).toBe(alice);

    expect((await phone.delete('/v1/me/push-subscription')).status).toBe(202);
    await log.waitFor(
      'the removal',
      (e) => e.type === 'PushSubscriptionRemoved' && e.userId === alice && e.deviceId === 'phone',
    );
  });

  it('refuses a subscription that is not a bounded http(s) URL with P-256 keys', async () => {
    const phone = await api.as(`${alice}-strict`, 'phone');
    const bad = [
      { ...subscription, endpoint: 'ftp://push.example.test/x' },
      { ...subscription, endpoint: `https://push.example.test/${'x'.repeat(2100)}` },
      { ...subscription, keys: { ...subscription.keys, auth: 'short' } },
      { ...subscription, keys: { p256dh: subscription.keys.p256dh } },
      { ...subscription, userId: 'eve' },
    ];
    for (const body of bad) {
      const refused = await phone.put('/v1/me/push-subscription', body);
      expect(refused).toMatchObject({ status: 400, body: { code: 'invalid-request' } });
    }
    expect(log.all().filter((e) => 'userId' in e && e.userId === `${alice}-strict`)).toEqual([]);
  });

  it('refuses an endpoint outside the configured push services', async () => {
    const strict = await startCommandApi({ CHAT_PUSH_ENDPOINT_HOSTS: 'push.example.test' });
    try {
      const phone = await strict.as(`${alice}-hosts`, 'phone');
      const elsewhere = { ...subscription, endpoint: 'https://169.254.169.254/latest' };
      const refused = await phone.put('/v1/me/push-subscription', elsewhere);
      expect(refused).toMatchObject({ status: 400, body: { code: 'push-endpoint-not-allowed' } });
      expect((await phone.put('/v1/me/push-subscription', subscription)).status).toBe(202);
    } finally {
      await strict.close();
    }
  });

  it('refuses loopback, private and link-local endpoints with no host list set, unless configured', async () => {
    const deployed = await startCommandApi({ CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS: 'off' });
    try {
      const phone = await deployed.as(`${alice}-inside`, 'phone');
      for (const endpoint of [
        'https://169.254.169.254/latest',
        'https://127.0.0.1:6379/x',
        'https://localhost/x',
        'https://10.0.0.1/x',
        'https://[::1]/x',
      ]) {
        const refused = await phone.put('/v1/me/push-subscription', { ...subscription, endpoint });
        expect([endpoint, refused.status, refused.body.code]).toEqual([
          endpoint,
          400,
          'push-endpoint-not-allowed',
        ]);
      }
      expect((await phone.put('/v1/me/push-subscription', subscription)).status).toBe(202);
    } finally {
      await deployed.close();
    }
  });

  it('gives the VAPID public key clients subscribe with', async () => {
    const { token } = await api.as(alice, 'phone');
    const key = await api.request('GET', '/v1/push/vapid-public-key', { token });
    expect(key).toMatchObject({
      status: 200,
      body: { publicKey: config.push.vapid.publicKey },
    });
  });
});

describe('mute', () => {
  it('lets a member mute a conversation and refuses everyone else with not-a-member', async () => {
    const a = await api.as(alice, 'phone');
    const { conversationId } = (await a.post('/v1/conversations/direct', { peerId: bob })).body;
    const muted = await a.put(`/v1/conversations/${conversationId}/mute`, { muted: true });
    expect(muted.status).toBe(202);
    const [event] = await log.waitFor(
      'the mute',
      (e) => e.type === 'ConversationMuteChanged' && e.userId === alice,
    );
    expect(event).toMatchObject({ conversationId, muted: true });
    expect(partitionKeyOf(event!)).toBe(alice);

    const eve = await api.as(`eve-${run}`);
    const refused = await eve.put(`/v1/conversations/${conversationId}/mute`, { muted: true });
    expect(refused).toMatchObject({ status: 403, body: { code: 'not-a-member' } });
    const unknown = await eve.put(`/v1/conversations/direct-${run}-none/mute`, { muted: true });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'conversation-not-found' } });
    await waitFor('nothing from eve', async () =>
      log.all().some((e) => 'userId' in e && e.userId === `eve-${run}`) ? undefined : true,
    );
  });
});
