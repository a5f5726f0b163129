import { randomUUID } from 'node:crypto';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { ChatQueries } from '@chat/views';
import {
  startProjections,
  type RunningProjections,
} from '../../../projectors/src/start-projections';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startTogether } from '../../../../test/harness/start-together';

/**
 * Reads over HTTP, against views the projectors build from what the commands appended: the
 * same answers and refusals as the gateway's read frames, and a long poll on sync.
 */
const { config, logger } = eventLogFixture('command-api-reads');
const run = randomUUID().slice(0, 8);
const user = (name: string) => `${name}-${run}`;
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const redis = createRedis(config);
const queries = new ChatQueries({ pool, cassandra, keyspace: config.cassandra.keyspace, redis });

let api: CommandApi;
let projections: RunningProjections;
let alice: Awaited<ReturnType<CommandApi['as']>>;
let bob: Awaited<ReturnType<CommandApi['as']>>;
let mallory: Awaited<ReturnType<CommandApi['as']>>;
let group: string;
let firstMessage: string;

const get = (as: typeof alice, path: string) => api.request('GET', path, { token: as.token });

beforeAll(async () => {
  [api, projections] = await startTogether([
    startCommandApi({
      CHAT_RATE_LIMIT_PER_SECOND: '1000',
      CHAT_RATE_LIMIT_BURST: '1000',
      GATEWAY_READ_RATE_PER_SECOND: '1000',
      GATEWAY_READ_RATE_BURST: '1000',
    }),
    startProjections(config, { only: ['inbox', 'timeline', 'search'], logger }),
  ]);
  [alice, bob, mallory] = [
    await api.as(user('alice')),
    await api.as(user('bob')),
    await api.as(user('mallory')),
  ];
  const created = await alice.post('/v1/conversations/groups', {
    title: 'Launch',
    members: [bob.userId],
  });
  expect(created.status).toBe(202);
  group = created.body.conversationId;
  await waitFor('the group in the inbox', async () =>
    (await get(bob, '/v1/inbox')).body?.items?.length === 1 ? true : undefined,
  );
  for (const [i, body] of [
    'the rocket launch is on friday',
    'bring snacks',
    'rocket fuel ok',
  ].entries()) {
    const sent = await alice.post(`/v1/conversations/${group}/messages`, {
      clientMessageId: `m${i}`,
      body,
    });
    expect(sent.status).toBe(202);
    firstMessage ??= sent.body.messageId;
  }
  await waitFor(
    'the messages in every view',
    async () => {
      const found = await get(alice, '/v1/search?q=fuel');
      const history = await get(alice, `/v1/conversations/${group}/history`);
      return found.body?.items?.length === 1 && history.body?.items?.length === 4
        ? true
        : undefined;
    },
    { timeoutMs: 60000 },
  );
}, 180000);

afterAll(async () => {
  await Promise.all([api?.close(), projections?.stop()]);
  redis.disconnect();
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

it('answers the inbox with unread counts', async () => {
  const inbox = await get(bob, '/v1/inbox');
  expect(inbox.status).toBe(200);
  expect(inbox.body.items).toEqual([
    expect.objectContaining({ conversationId: group, kind: 'GROUP', lastSeq: 4, unread: 3 }),
  ]);
  expect(inbox.body.next).toBeNull();
});

it('answers members, and history pages newest first', async () => {
  const members = await get(bob, `/v1/conversations/${group}/members`);
  expect(members.body.members.map((m: { userId: string }) => m.userId).sort()).toEqual(
    [alice.userId, bob.userId].sort(),
  );
  const first = await get(bob, `/v1/conversations/${group}/history?limit=2`);
  expect(first.status).toBe(200);
  expect(first.body.items.map((i: { seq: number }) => i.seq)).toEqual([4, 3]);
  const second = await get(
    bob,
    `/v1/conversations/${group}/history?limit=2&beforeSeq=${first.body.nextBeforeSeq}`,
  );
  expect(second.body.items.map((i: { seq: number }) => i.seq)).toEqual([2, 1]);
});

it('answers sync after a cs cursor exactly as the sync frame does', async () => {
  const sync = await get(bob, `/v1/conversations/${group}/sync?afterCs=1&limit=2`);
  expect(sync.status).toBe(200);
  expect(sync.body).toEqual(
    JSON.parse(JSON.stringify(await queries.changesAfter(bob.userId, group, 1, { limit: 2 }))),
  );
  expect(sync.body).toMatchObject({ throughCs: 3, more: true });
});

it('holds a sync with wait open until a change after the cursor exists', async () => {
  const { throughCs } = (await get(bob, `/v1/conversations/${group}/sync?afterCs=0`)).body;
  const started = Date.now();
  const polling = get(bob, `/v1/conversations/${group}/sync?afterCs=${throughCs}&wait=20`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await alice.post(`/v1/conversations/${group}/messages`, {
    clientMessageId: 'late',
    body: 'late news',
  });
  const answer = await polling;
  expect(answer.status).toBe(200);
  expect(answer.body.changes[0]).toMatchObject({ type: 'message', cs: throughCs + 1 });
  expect(Date.now() - started).toBeLessThan(15000);
}, 30000);

it('answers an empty sync after the wait when nothing changes', async () => {
  const { throughCs } = (await get(bob, `/v1/conversations/${group}/sync?afterCs=0`)).body;
  const started = Date.now();
  const answer = await get(bob, `/v1/conversations/${group}/sync?afterCs=${throughCs}&wait=1`);
  expect(answer.body).toEqual({ changes: [], throughCs, more: false });
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
});

it('answers a receipt to the sender of a message', async () => {
  const receipt = await get(alice, `/v1/conversations/${group}/messages/${firstMessage}/receipt`);
  expect(receipt.status).toBe(200);
  expect(receipt.body).toMatchObject({ kind: 'GROUP', messageId: firstMessage, seq: 2 });
});

it('searches what the user may read, ranked and highlighted', async () => {
  const found = await get(bob, `/v1/search?q=rocket&conversationId=${group}`);
  expect(found.status).toBe(200);
  expect(found.body.items).toHaveLength(2);
  const [hit] = found.body.items;
  const [start, end] = hit.snippet.highlights[0];
  expect(hit.snippet.text.slice(start, end)).toBe('rocket');
});

it('refuses every read of a conversation to an outsider with 403', async () => {
  for (const path of [
    `/v1/conversations/${group}/members`,
    `/v1/conversations/${group}/history`,
    `/v1/conversations/${group}/sync?afterCs=0`,
    `/v1/conversations/${group}/messages/${firstMessage}/receipt`,
    `/v1/search?q=rocket&conversationId=${group}`,
  ]) {
    const refused = await get(mallory, path);
    expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'not-a-member']);
  }
  expect((await get(mallory, '/v1/search?q=rocket')).body.items).toEqual([]);
});

it('refuses a bad query with 400 naming the parameter, and no token with 401', async () => {
  const bad = await get(bob, `/v1/conversations/${group}/sync?afterCs=-1&wait=31`);
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
    'query.afterCs',
    'query.wait',
  ]);
  expect((await api.request('GET', '/v1/inbox')).status).toBe(401);
});

it('refuses a cursor this server never gave out with 400 naming it, and pages with one it did', async () => {
  const refused = [
    // Microseconds past what a timestamp holds, and an id no id pattern allows.
    `/v1/inbox?after=${'9'.repeat(20)}~c-1`,
    '/v1/inbox?after=1700000000000000~c%00',
    // A search rank no float4 holds, a negative seq, and the base64 of something else.
    `/v1/search?q=rocket&after=1e999~1~${group}`,
    `/v1/search?q=rocket&after=0.5~-1~${group}`,
    '/v1/search?q=rocket&after=WyIyMDI2LTAyLTMwVDI1OjYxOjYxLjAwMDAwMCIsImMtMSJd',
  ];
  for (const path of refused) {
    const answer = await get(bob, path);
    expect([path, answer.status, answer.body.errors?.[0]?.path]).toEqual([
      path,
      400,
      'query.after',
    ]);
  }
  const first = await get(bob, '/v1/inbox?limit=1');
  expect(first.status).toBe(200);
  if (first.body.next !== null) {
    expect((await get(bob, `/v1/inbox?limit=1&after=${first.body.next}`)).status).toBe(200);
  }
  const hits = await get(bob, '/v1/search?q=rocket&limit=1');
  expect(hits.status).toBe(200);
  if (hits.body.next !== null) {
    const next = await get(bob, `/v1/search?q=rocket&limit=1&after=${hits.body.next}`);
    expect(next.status).toBe(200);
  }
  expect((await get(bob, '/v1/inbox?after=1700000000000000~c-1')).status).toBe(200);
});

it('spends reads from the read budget of the gateway, not the command budget', async () => {
  const limited = await startCommandApi({
    GATEWAY_READ_RATE_PER_SECOND: '0.01',
    GATEWAY_READ_RATE_BURST: '2',
  });
  try {
    const reader = await limited.as(user('reader'));
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await limited.request('GET', '/v1/inbox', { token: reader.token })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const command = await reader.post('/v1/conversations/direct', { peerId: user('peer') });
    expect(command.status).toBe(202);
  } finally {
    await limited.close();
  }
});
