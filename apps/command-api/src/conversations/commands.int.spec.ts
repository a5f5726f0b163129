import { randomUUID } from 'node:crypto';
import { TOPICS, partitionKeyOf, type ChatEvent, type ConversationEvent } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { ConversationLedger, messageIdFor } from '@chat/domain';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startEventRecorder, type EventRecorder } from '../../../../test/harness/event-recorder';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { startTogether } from '../../../../test/harness/start-together';

const { config, logger, kafka, registryUrl } = eventLogFixture('command-api');
const run = randomUUID().slice(0, 8);
const user = (name: string) => `${name}-${run}`;

let api: CommandApi;
let log: EventRecorder;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;

beforeAll(async () => {
  [api, log, projector] = await startTogether([
    startCommandApi({ CHAT_RATE_LIMIT_PER_SECOND: '1000', CHAT_RATE_LIMIT_BURST: '1000' }),
    startEventRecorder(kafka, registryUrl, TOPICS.conversations),
    startInboxProjector(config, kafka, logger),
  ]);
});

afterAll(async () => {
  await Promise.all([api.close(), log.stop(), projector.stop()]);
});

const typesOf = (events: ChatEvent[]) => events.map((e) => e.type);

/** Waits until the inbox view shows a member, so the next command is decided on it. */
const memberVisible = (conversationId: string, userId: string) =>
  waitFor(`${userId} in ${conversationId}`, async () => {
    const { rows } = await projector.pool.query(
      `SELECT 1 FROM ${projector.schema}.memberships WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    return rows.length > 0 ? true : undefined;
  });

async function groupOf(admin: string, members: string[]) {
  const client = await api.as(admin);
  const created = await client.post('/v1/conversations/groups', { title: 'Team', members });
  expect(created.status).toBe(202);
  return created.body.conversationId as string;
}

describe('conversations', () => {
  it('opens one direct conversation per pair, whoever asks, and appends it once', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const first = await alice.post('/v1/conversations/direct', { peerId: bob.userId });
    expect(first.status).toBe(202);
    expect(first.body.created).toBe(true);
    const { conversationId } = first.body;
    const [created] = await log.waitFor(
      'the direct conversation',
      (e) => partitionKeyOf(e) === conversationId,
    );
    expect(created).toMatchObject({
      type: 'ConversationCreated',
      kind: 'DIRECT',
      members: [alice.userId, bob.userId],
      envelope: { actor: { userId: alice.userId, deviceId: 'device-1' } },
    });
    await memberVisible(conversationId, bob.userId);
    const again = await bob.post('/v1/conversations/direct', { peerId: alice.userId });
    expect(again).toMatchObject({
      status: 200,
      body: { conversationId, created: false, eventIds: [] },
    });
    expect(log.of(conversationId)).toHaveLength(1);
  });

  it('lets a group admin add, promote and remove members; a plain member cannot', async () => {
    const [admin, bob, carol] = [user('admin'), user('bob'), user('carol')];
    const conversationId = await groupOf(admin, [bob]);
    await memberVisible(conversationId, bob);
    const asAdmin = await api.as(admin);
    const asBob = await api.as(bob);

    const refused = await asBob.post(`/v1/conversations/${conversationId}/members`, {
      userId: carol,
    });
    expect(refused).toMatchObject({ status: 403, body: { code: 'not-an-admin' } });
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);

    expect(
      (await asAdmin.post(`/v1/conversations/${conversationId}/members`, { userId: carol })).status,
    ).toBe(202);
    await memberVisible(conversationId, carol);
    const promoted = await asAdmin.put(
      `/v1/conversations/${conversationId}/members/${carol}/role`,
      { role: 'ADMIN' },
    );
    expect(promoted.status).toBe(202);
    expect(
      (await asAdmin.delete(`/v1/conversations/${conversationId}/members/${bob}`)).status,
    ).toBe(202);

    const events = await log.waitFor(
      'membership events',
      (e) => partitionKeyOf(e) === conversationId,
      4,
    );
    expect(typesOf(events)).toEqual([
      'ConversationCreated',
      'MemberAdded',
      'MemberRoleChanged',
      'MemberRemoved',
    ]);
    expect(events[3]).toMatchObject({ userId: bob, reason: 'REMOVED', removedBy: admin });
  });

  it('appends two adds decided at once with the limit, so the rules ignore the one past it', async () => {
    const limited = await startCommandApi({ CHAT_MAX_GROUP_MEMBERS: '3' });
    try {
      const [admin, bob] = [user('cap-admin'), user('cap-bob')];
      const asAdmin = await limited.as(admin);
      const created = await asAdmin.post('/v1/conversations/groups', {
        title: 'Cap',
        members: [bob],
      });
      const { conversationId } = created.body;
      await memberVisible(conversationId, bob);
      // Two members and a limit of 3: each add alone fits, so both are decided and appended.
      const adds = await Promise.all(
        [user('cap-carol'), user('cap-dave')].map((userId) =>
          asAdmin.post(`/v1/conversations/${conversationId}/members`, { userId }),
        ),
      );
      expect(adds.map((a) => a.status)).toEqual([202, 202]);
      const events = await log.waitFor(
        'the group and both adds',
        (e) => partitionKeyOf(e) === conversationId,
        3,
      );
      expect(events.slice(1)).toMatchObject([
        { type: 'MemberAdded', memberLimit: 3 },
        { type: 'MemberAdded', memberLimit: 3 },
      ]);
      // Folded as every projection folds the log: the later add is ignored.
      const ledger = new ConversationLedger({ conversations: [], messages: [] });
      const verdicts = events.map((event) => ledger.apply(event as ConversationEvent).verdict);
      expect(verdicts.map((v) => (v.accepted ? 'accepted' : v.reason))).toEqual([
        'accepted',
        'accepted',
        'group-full',
      ]);
    } finally {
      await limited.close();
    }
  });

  it('hands the group to the oldest member when the last admin leaves', async () => {
    const [admin, bob] = [user('leaver'), user('heir')];
    const conversationId = await groupOf(admin, [bob]);
    await memberVisible(conversationId, bob);
    expect(
      (await (await api.as(admin)).post(`/v1/conversations/${conversationId}/leave`)).status,
    ).toBe(202);
    const events = await log.waitFor('leave', (e) => partitionKeyOf(e) === conversationId, 3);
    expect(events.slice(1)).toMatchObject([
      { type: 'MemberRemoved', userId: admin, reason: 'LEFT' },
      { type: 'MemberRoleChanged', userId: bob, role: 'ADMIN' },
    ]);
  });

  it('keeps direct membership fixed', async () => {
    const alice = await api.as(user('fixed-a'));
    const { body } = await alice.post('/v1/conversations/direct', { peerId: user('fixed-b') });
    await memberVisible(body.conversationId, alice.userId);
    const refused = await alice.post(`/v1/conversations/${body.conversationId}/members`, {
      userId: user('x'),
    });
    expect(refused).toMatchObject({ status: 403, body: { code: 'membership-fixed' } });
  });

  it('answers 404 for a conversation that does not exist, after checking the view is current', async () => {
    const response = await (
      await api.as(user('lost'))
    ).post('/v1/conversations/no-such-thing/leave');
    expect(response).toMatchObject({ status: 404, body: { code: 'conversation-not-found' } });
  });
});

describe('messages', () => {
  let conversationId: string;
  const [alice, bob, mallory] = [user('m-alice'), user('m-bob'), user('m-mallory')];

  beforeAll(async () => {
    conversationId = await groupOf(alice, [bob]);
    await memberVisible(conversationId, bob);
  });

  it('answers 202 with the message id and the id of the event it appended', async () => {
    const client = await api.as(bob, 'laptop');
    const response = await client.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-1',
      body: 'hello 👋',
    });
    expect(response.status).toBe(202);
    expect(response.body.messageId).toBe(messageIdFor(bob, 'c-1'));
    const [sent] = await log.waitFor(
      'the message',
      (e) => e.type === 'MessageSent' && e.messageId === response.body.messageId,
    );
    expect(sent).toMatchObject({
      senderId: bob,
      deviceId: 'laptop',
      body: 'hello 👋',
      kind: 'TEXT',
    });
    expect(response.body.eventIds).toEqual([sent!.envelope.eventId]);
  });

  it('appends a retried send once, however many copies arrive at the same time', async () => {
    const client = await api.as(alice);
    const payload = { clientMessageId: 'c-retry', body: 'only once' };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        client.post(`/v1/conversations/${conversationId}/messages`, payload),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([202]));
    expect(new Set(responses.map((r) => r.body.messageId)).size).toBe(1);
    // Every copy answers the one event the first appended.
    expect(new Set(responses.map((r) => JSON.stringify(r.body.eventIds)))).toEqual(
      new Set([JSON.stringify(responses[0]!.body.eventIds)]),
    );
    expect(responses[0]!.body.eventIds).toHaveLength(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      7,
    );
    const later = await client.post(`/v1/conversations/${conversationId}/messages`, payload);
    expect(later.body.messageId).toBe(responses[0]!.body.messageId);
    // A marker sent after the retries is in the log once the retries would be.
    await client.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-marker',
      body: '.',
    });
    await log.waitFor(
      'the marker',
      (e) =>
        e.type === 'MessageSent' &&
        e.conversationId === conversationId &&
        e.clientMessageId === 'c-marker',
    );
    const copies = log
      .of(conversationId)
      .filter(
        (e) =>
          e.type === 'MessageSent' &&
          e.conversationId === conversationId &&
          e.clientMessageId === 'c-retry',
      );
    expect(copies).toHaveLength(1);
  });

  it('refuses sends past its bound of unanswered sends with 503 overloaded, appending none of them', async () => {
    const bounded = await startCommandApi({
      CHAT_RATE_LIMIT_PER_SECOND: '1000',
      CHAT_RATE_LIMIT_BURST: '1000',
      CHAT_MAX_PENDING_SENDS: '1',
    });
    const path = `/v1/conversations/${conversationId}/messages`;
    try {
      const client = await bounded.as(alice);
      // Twenty at once against room for one: the first holds it until Kafka has the message.
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.post(path, { clientMessageId: `c-bound-${i}`, body: `bounded ${i}` }),
        ),
      );
      const refused = responses.filter((r) => r.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      expect(responses.every((r) => r.status === 202 || r.status === 503)).toBe(true);
      for (const response of refused) {
        expect(response.body).toMatchObject({ code: 'overloaded' });
        expect(response.headers.get('retry-after')).toBe('1');
      }
      // Once answered, the room is free again.
      const after = await client.post(path, { clientMessageId: 'c-bound-after', body: '.' });
      expect(after.status).toBe(202);
      await log.waitFor(
        'the send after',
        (e) =>
          e.type === 'MessageSent' &&
          e.conversationId === conversationId &&
          e.clientMessageId === 'c-bound-after',
      );
      const appended = log
        .of(conversationId)
        .filter((e) => e.type === 'MessageSent' && e.clientMessageId.startsWith('c-bound-'))
        .map((e) => (e as { clientMessageId: string }).clientMessageId);
      const acceptedIds = responses.flatMap((r, i) => (r.status === 202 ? [`c-bound-${i}`] : []));
      expect(appended.sort()).toEqual([...acceptedIds, 'c-bound-after'].sort());
    } finally {
      await bounded.close();
    }
  });

  it('keeps a send once across two instances and across a restart', async () => {
    const second = await startCommandApi({
      CHAT_RATE_LIMIT_PER_SECOND: '1000',
      CHAT_RATE_LIMIT_BURST: '1000',
    });
    const payload = { clientMessageId: 'c-instances', body: 'twice?' };
    const path = `/v1/conversations/${conversationId}/messages`;
    try {
      const [one, two] = await Promise.all([
        (await api.as(alice)).post(path, payload),
        (await second.as(alice)).post(path, payload),
      ]);
      expect([one.status, two.status]).toEqual([202, 202]);
      expect(two.body.messageId).toBe(one.body.messageId);
    } finally {
      await second.close();
    }
    // A new instance after the first ones are gone answers the same and appends nothing.
    const restarted = await startCommandApi();
    try {
      const again = await (await restarted.as(alice)).post(path, payload);
      expect(again).toMatchObject({
        status: 202,
        body: { messageId: messageIdFor(alice, 'c-instances') },
      });
    } finally {
      await restarted.close();
    }
    await (await api.as(alice)).post(path, { clientMessageId: 'c-instances-marker', body: '.' });
    await log.waitFor(
      'the marker',
      (e) =>
        e.type === 'MessageSent' &&
        e.conversationId === conversationId &&
        e.clientMessageId === 'c-instances-marker',
    );
    expect(
      log
        .of(conversationId)
        .filter(
          (e) =>
            e.type === 'MessageSent' &&
            e.conversationId === conversationId &&
            e.clientMessageId === 'c-instances',
        ),
    ).toHaveLength(1);
  });

  it('refuses a client message id reused for different content', async () => {
    const client = await api.as(alice);
    await client.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-reuse',
      body: 'one',
    });
    const reused = await client.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-reuse',
      body: 'two',
    });
    expect(reused).toMatchObject({ status: 409, body: { code: 'client-message-id-reused' } });
  });

  it('refuses a send from a non-member and appends nothing', async () => {
    const response = await (
      await api.as(mallory)
    ).post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-intruder',
      body: 'let me in',
    });
    expect(response).toMatchObject({ status: 403, body: { code: 'not-a-member' } });
    expect(log.all().filter((e) => e.envelope.actor.userId === mallory)).toEqual([]);
  });

  it('sends ciphertext as given, and media by the id of an upload checked in the store', async () => {
    const client = await api.as(alice);
    const data = Buffer.from([0, 1, 2, 250, 255]);
    const encrypted = await client.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-secret',
      ciphertext: { algorithm: 'signal', data: data.toString('base64') },
    });
    const unchecked = await client.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-unchecked',
      kind: 'MEDIA',
      media: { objectKey: 'media/cat.jpg', contentType: 'image/jpeg', sizeBytes: 2048 },
    });
    expect([unchecked.status, unchecked.body.code]).toEqual([400, 'media-needs-upload']);
    const intent = await client.post('/v1/media/uploads', {
      contentType: 'image/jpeg',
      sizeBytes: 2048,
    });
    const stored = await fetch(intent.body.upload.url, {
      method: 'PUT',
      headers: intent.body.upload.headers,
      body: Buffer.alloc(2048, 7),
    });
    expect(stored.status).toBe(200);
    const photo = await client.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-photo',
      mediaId: intent.body.mediaId,
      replyTo: encrypted.body.messageId,
    });
    expect([encrypted.status, photo.status]).toEqual([202, 202]);
    const [secret] = await log.waitFor(
      'ciphertext',
      (e) =>
        e.type === 'MessageSent' &&
        e.conversationId === conversationId &&
        e.clientMessageId === 'c-secret',
    );
    expect(secret).toMatchObject({ body: null, ciphertext: { algorithm: 'signal', data } });
    const [media] = await log.waitFor(
      'media',
      (e) =>
        e.type === 'MessageSent' &&
        e.conversationId === conversationId &&
        e.clientMessageId === 'c-photo',
    );
    expect(media).toMatchObject({
      kind: 'MEDIA',
      replyTo: encrypted.body.messageId,
      media: { sizeBytes: 2048, contentType: 'image/jpeg' },
    });
  });

  it('lets only the author edit, and the author or an admin delete', async () => {
    const asBob = await api.as(bob);
    const asAlice = await api.as(alice);
    const sent = await asBob.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'c-edit',
      body: 'typo',
    });
    const messageId = sent.body.messageId as string;
    const path = `/v1/conversations/${conversationId}/messages/${messageId}`;
    await waitFor('the message in the view', async () =>
      (
        await projector.pool.query(
          `SELECT 1 FROM ${projector.schema}.messages WHERE message_id = $1`,
          [messageId],
        )
      ).rows.length
        ? true
        : undefined,
    );
    expect(await asAlice.patch(path, { body: 'not mine' })).toMatchObject({
      status: 403,
      body: { code: 'not-the-author' },
    });
    expect((await asBob.patch(path, { body: 'fixed' })).status).toBe(202);
    expect((await asAlice.put(`${path}/reactions/${encodeURIComponent('👍')}`)).status).toBe(202);
    expect((await asAlice.delete(`${path}/reactions/${encodeURIComponent('👍')}`)).status).toBe(
      202,
    );
    expect((await asAlice.delete(path)).status).toBe(202);
    const events = await log.waitFor(
      'changes',
      (e) => 'messageId' in e && e.messageId === messageId,
      5,
    );
    expect(typesOf(events)).toEqual([
      'MessageSent',
      'MessageEdited',
      'ReactionAdded',
      'ReactionRemoved',
      'MessageDeleted',
    ]);
    expect(events[2]).toMatchObject({ userId: alice, emoji: '👍' });
  });

  it('acknowledges delivery per device and reads per member', async () => {
    const client = await api.as(bob, 'tablet');
    expect(
      (await client.post(`/v1/conversations/${conversationId}/delivered`, { upToSeq: 3 })).status,
    ).toBe(202);
    expect(
      (await client.post(`/v1/conversations/${conversationId}/read`, { upToSeq: 2 })).status,
    ).toBe(202);
    const [delivered] = await log.waitFor(
      'delivered',
      (e) => e.type === 'MessagesDelivered' && e.userId === bob,
    );
    const [read] = await log.waitFor('read', (e) => e.type === 'MessagesRead' && e.userId === bob);
    expect(delivered).toMatchObject({ deviceId: 'tablet', upToSeq: 3 });
    expect(read).toMatchObject({ upToSeq: 2 });
  });
});

describe('refusals', () => {
  it('answers 401 with a reason for a missing or bad token', async () => {
    const missing = await api.request('POST', '/v1/conversations/groups', {
      body: { title: 't', members: [] },
    });
    expect(missing).toMatchObject({ status: 401, body: { code: 'missing-token' } });
    expect(missing.headers.get('www-authenticate')).toMatch(/Bearer/);
    const forged = await api.request('POST', '/v1/conversations/groups', {
      token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl',
      body: { title: 't', members: [] },
    });
    expect(forged).toMatchObject({ status: 401, body: { code: 'invalid-token' } });
  });

  it('answers 400 naming the field for unknown fields and bad ids', async () => {
    const client = await api.as(user('strict'));
    const unknown = await client.post('/v1/conversations/groups', {
      title: 't',
      members: [],
      colour: 'red',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'invalid-request',
      errors: [{ path: 'body', message: expect.stringMatching(/colour/) }],
    });
    const badId = await client.post('/v1/conversations/groups', {
      title: 't',
      members: ['bad id'],
    });
    expect(badId.body.errors).toEqual([{ path: 'body.members.0', message: expect.any(String) }]);
  });

  it('answers 400 naming the emoji for a reaction that is not one emoji', async () => {
    const client = await api.as(user('reactor'));
    const path = `/v1/conversations/${user('group')}/messages/m-1/reactions`;
    for (const emoji of ['+1', 'ok', '👍👍', 'a'.repeat(32), '😀'.repeat(33)]) {
      const refused = await client.put(`${path}/${encodeURIComponent(emoji)}`);
      expect([emoji, refused.status]).toEqual([emoji, 400]);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({
        code: 'invalid-request',
        errors: [{ path: expect.stringMatching(/emoji/), message: expect.any(String) }],
      });
    }
    const oneEmoji = await client.put(`${path}/${encodeURIComponent('👍')}`);
    expect(oneEmoji.status).toBe(404);
    // Taking one back names what the member has, which may predate the rule.
    expect((await client.delete(`${path}/${encodeURIComponent('+1')}`)).status).toBe(404);
  });

  it('answers 429 with Retry-After when a user runs out of budget', async () => {
    const limited = await startCommandApi({
      CHAT_RATE_LIMIT_PER_SECOND: '0.5',
      CHAT_RATE_LIMIT_BURST: '2',
    });
    try {
      const client = await limited.as(user('chatty'));
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push(await client.post('/v1/conversations/nowhere/read', { upToSeq: 1 }));
      expect(statuses.map((r) => r.status)).toEqual([404, 404, 429]);
      expect(statuses[2]!.body.code).toBe('rate-limited');
      expect(Number(statuses[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('answers 503 with Retry-After, never 2xx, when Kafka cannot be reached', async () => {
    const conversationId = await groupOf(user('offline'), []);
    await memberVisible(conversationId, user('offline'));
    const cutOff = await startCommandApi({
      KAFKA_BROKERS: '127.0.0.1:9',
      CHAT_APPEND_TIMEOUT_MS: '1000',
    });
    try {
      const client = await cutOff.as(user('offline'));
      const response = await client.post(`/v1/conversations/${conversationId}/messages`, {
        clientMessageId: 'c-down',
        body: 'hi',
      });
      expect(response).toMatchObject({ status: 503, body: { code: 'log-unavailable' } });
      expect(response.headers.get('retry-after')).toBe('2');
    } finally {
      await cutOff.close();
    }
  });
});
