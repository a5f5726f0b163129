import { randomUUID } from 'node:crypto';
import {
  groupCreated,
  directCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
  messagesRead,
  reaction,
} from '@chat/domain/testing';
import { newEnvelope } from '@chat/domain';
import {
  createEventAppender,
  createEventCodec,
  createLogAdmin,
  TOPICS,
  type ChatEvent,
  type ConversationEvent,
} from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import {
  startProjections,
  type RunningProjections,
} from '../../../../apps/projectors/src/start-projections';
import { inboxSchemaOf } from '../inbox/inbox-tables';
import { lagOf, positionsOf } from '../projection-positions';
import { PROJECTIONS } from '../projection-names';
import { readerVersion } from '../projection-versions';
import { presenceKeysOf } from '../presence/presence-keys';
import { PresenceStore } from '../presence/presence-store';
import { ChatQueries } from './chat-queries';
import { ViewError } from './view-error';

/**
 * The reads a client makes, over views the projectors built from a scripted log: the inbox
 * with unread counts, history pages from where the reader joined, members, receipts and
 * presence, each refused to whoever is not allowed to see it.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('chat-queries');
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
const pool = createPgPool(config, { max: 4 });
const cassandra = createCassandraClient(config);
const redis = createRedis(config);
const keyspace = config.cassandra.keyspace;
const queries = new ChatQueries({ pool, cassandra, keyspace, redis });
const run = randomUUID().slice(0, 8);
const [alice, bob, carol, dave, erin, mallory, frank, gina] = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'mallory',
  'frank',
  'gina',
].map((name) => `${name}-${run}`) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const group = `group-${run}`;
const direct = `direct-${run}`;
const T0 = Date.UTC(2026, 0, 1);
let clock = 0;
/** Each event a second after the previous one: the inbox orders by activity. */
const timed = <E extends ChatEvent>(event: E): E => ({
  ...event,
  envelope: { ...event.envelope, occurredAt: T0 + ++clock * 1000 },
});
const delivered = (userId: string, upToSeq: number, conversationId: string): ConversationEvent => ({
  type: 'MessagesDelivered',
  envelope: newEnvelope('MessagesDelivered', {
    actor: { userId, deviceId: 'phone' },
    now: T0,
    correlationId: 'test',
    newEventId: randomUUID,
  }),
  conversationId,
  userId,
  deviceId: 'phone',
  upToSeq,
});

const groupLog: ConversationEvent[] = [
  groupCreated(alice, [bob, carol], group), // 1
  messageSent(alice, `m1-${run}`, group), // 2
  messageSent(bob, `m2-${run}`, group), // 3
  memberAdded(dave, alice, 'MEMBER', group), // 4
  messageSent(alice, `m3-${run}`, group), // 5
  messageEdited(`m1-${run}`, alice, 'hello, edited', group),
  reaction(true, `m3-${run}`, bob, '🎉', group),
  messageDeleted(`m2-${run}`, alice, group),
  delivered(carol, 5, group),
  messagesRead(bob, 3, group),
  ...Array.from({ length: 6 }, (_, i) => messageSent(carol, `bulk-${i}-${run}`, group)), // 6..11
];
const directLog: ConversationEvent[] = [
  directCreated(alice, erin, direct), // 1
  messageSent(alice, `d1-${run}`, direct), // 2
  messageSent(alice, `d2-${run}`, direct), // 3
  delivered(erin, 3, direct),
  messagesRead(erin, 2, direct),
];
/** Gina is removed at cs 3; frank talks on. */
const left = `left-${run}`;
const leftLog: ConversationEvent[] = [
  groupCreated(frank, [gina], left), // cs 1
  messageSent(frank, `l1-${run}`, left), // cs 2
  memberRemoved(gina, frank, left), // cs 3
  messageSent(frank, `l2-${run}`, left), // cs 4
  messageSent(frank, `l3-${run}`, left), // cs 5
];
let projections: RunningProjections;

async function caughtUp() {
  const admin = await createLogAdmin(kafka);
  const [conversationEnds, presenceEnds] = await Promise.all([
    admin.partitionOffsets(TOPICS.conversations),
    admin.partitionOffsets(TOPICS.presence),
  ]);
  await admin.disconnect();
  const stores = { pool, cassandra, keyspace };
  const presence = new PresenceStore(redis, presenceKeysOf(projections.versions.presence!));
  await waitFor(
    'the readers’ versions to reach the end of the log',
    async () => {
      const lags = await Promise.all([
        positionsOf(stores, 'inbox', projections.versions.inbox!, TOPICS.conversations),
        positionsOf(stores, 'timeline', projections.versions.timeline!, TOPICS.conversations),
      ]);
      const presenceLag = lagOf(await presence.positions(TOPICS.presence), presenceEnds);
      return lags.every((p) => lagOf(p, conversationEnds) === 0n) && presenceLag === 0n
        ? true
        : undefined;
    },
    { timeoutMs: 120000, intervalMs: 100 },
  );
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'allowed',
    (error: unknown) => (error instanceof ViewError ? error.code : error),
  );

beforeAll(async () => {
  await appender.connect();
  // The direct conversation is the more recently active one.
  await appender.append([...groupLog.map(timed), ...directLog.map(timed), ...leftLog.map(timed)]);
  await appender.append([
    {
      type: 'Connected',
      envelope: newEnvelope('Connected', {
        actor: { userId: bob, deviceId: 'phone' },
        now: Date.now(),
        correlationId: 'test',
        newEventId: randomUUID,
      }),
      userId: bob,
      deviceId: 'phone',
      gatewayId: 'gateway-test',
    },
  ]);
  projections = await startProjections(config, { logger });
  await caughtUp();
  // The queries read what readers use: the versions just started.
  expect(projections.versions.inbox).toBe(await readerVersion(pool, PROJECTIONS.inbox));
}, 180000);

afterAll(async () => {
  await projections?.stop();
  await appender.disconnect();
  redis.disconnect();
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

describe('the inbox', () => {
  it('lists conversations by last activity with unread = last seq minus read seq', async () => {
    const { items } = await queries.inboxOf(alice);
    expect(items.map((c) => [c.conversationId, c.lastSeq, c.unread])).toEqual([
      // Alice sent everything in the direct one: her own messages are never unread.
      [direct, 3, 0],
      [group, 11, 6],
    ]);
    expect(items[1]!.lastMessage).toMatchObject({ messageId: `bulk-5-${run}`, senderId: carol });
    const bobs = await queries.inboxOf(bob);
    expect(bobs.items.map((c) => [c.conversationId, c.readSeq, c.unread])).toEqual([[group, 3, 8]]);
    // Dave joined at 4: what came before is not unread for him.
    expect((await queries.inboxOf(dave)).items[0]).toMatchObject({ readSeq: 4, unread: 7 });
  });

  it('pages with a cursor and refuses one it did not give out', async () => {
    const first = await queries.inboxOf(alice, { limit: 1 });
    expect(first.items.map((c) => c.conversationId)).toEqual([direct]);
    const second = await queries.inboxOf(alice, { limit: 1, after: first.next! });
    expect(second.items.map((c) => c.conversationId)).toEqual([group]);
    expect(second.next).toBeNull();
    expect(await refusal(queries.inboxOf(alice, { after: 'not-a-cursor' }))).toBe('bad-cursor');
    expect(await refusal(queries.inboxOf(alice, { limit: 0 }))).toBe('bad-page');
  });
});

describe('history', () => {
  it('pages newest first with edits, reactions and deletes applied', async () => {
    const page = await queries.history(alice, group, { limit: 8 });
    expect(page.items.map((item) => item.seq)).toEqual([11, 10, 9, 8, 7, 6, 5, 4]);
    expect(page.nextBeforeSeq).toBe(4);
    const rest = await queries.history(alice, group, { beforeSeq: 4, limit: 8 });
    expect(rest.items.map((item) => item.seq)).toEqual([3, 2, 1]);
    expect(rest.nextBeforeSeq).toBeNull();
    const [deleted, edited] = [rest.items[0]!, rest.items[1]!];
    expect(deleted).toMatchObject({ messageId: `m2-${run}`, deleted: true, body: null });
    expect(edited).toMatchObject({ body: 'hello, edited', editedAt: expect.any(String) });
    expect(page.items.find((i) => i.seq === 5)!.reactions).toEqual({ '🎉': [bob] });
  });

  it('starts where the reader joined', async () => {
    const page = await queries.history(dave, group, { limit: 50 });
    expect(page.items.map((item) => item.seq)).toEqual([11, 10, 9, 8, 7, 6, 5, 4]);
    expect(page.nextBeforeSeq).toBeNull();
  });
});

const typesAndCs = (result: { changes: Array<{ type: string; cs?: number }> }) =>
  result.changes.map((c) => [c.type, c.cs]);

describe('the changes after a cursor', () => {
  it('gives a later member every change after they joined, with skips for older items', async () => {
    const missed = await queries.changesAfter(dave, group, 0);
    expect(typesAndCs(missed)).toEqual([
      ['membership', 4],
      ['message', 5],
      ['skip', 6], // the edit of m1 (seq 2): before dave joined
      ['reaction', 7],
      ['skip', 8], // the delete of m2 (seq 3)
      ...[9, 10, 11, 12, 13, 14].map((cs) => ['message', cs]),
    ]);
    expect(missed).toMatchObject({ throughCs: 14, more: false });
  });

  it('gives edits, deletes and reactions after a cursor, oldest first, in pages', async () => {
    const missed = await queries.changesAfter(bob, group, 3, { limit: 5 });
    expect(typesAndCs(missed)).toEqual([
      ['membership', 4],
      ['message', 5],
      ['edit', 6],
      ['reaction', 7],
      ['delete', 8],
    ]);
    expect(missed).toMatchObject({ throughCs: 8, more: true });
    expect(missed.changes[2]).toMatchObject({ messageId: `m1-${run}`, body: 'hello, edited' });
    expect(missed.changes[4]).toMatchObject({ messageId: `m2-${run}`, deletedBy: alice });
    const rest = await queries.changesAfter(bob, group, missed.throughCs);
    expect(rest.changes.map((c) => c.cs)).toEqual([9, 10, 11, 12, 13, 14]);
    expect(await queries.changesAfter(bob, group, 14)).toEqual({
      changes: [],
      throughCs: 14,
      more: false,
    });
  });

  it('gives direct receipts as changes', async () => {
    const missed = await queries.changesAfter(alice, direct, 3);
    expect(missed.changes).toEqual([
      expect.objectContaining({ type: 'receipt', cs: 4, userId: erin, receipt: 'delivered' }),
      expect.objectContaining({ type: 'receipt', cs: 5, userId: erin, receipt: 'read' }),
    ]);
  });

  it('gives a removed member their removal and nothing after it, even while the inbox lags', async () => {
    // The inbox has not applied the removal yet: it still lists gina as a member. (Taken out
    // again after: the live version must stay what the log makes it, for later rebuilds.)
    const memberships = `${inboxSchemaOf(projections.versions.inbox!)}.memberships`;
    await pool.query(
      `INSERT INTO ${memberships} (conversation_id, user_id, role, joined_seq, read_seq, delivered_seq)
       VALUES ($1, $2, 'MEMBER', 1, 1, 1) ON CONFLICT DO NOTHING`,
      [left, gina],
    );
    try {
      const missed = await queries.changesAfter(gina, left, 0);
      expect(typesAndCs(missed)).toEqual([
        ['membership', 1],
        ['message', 2],
        ['membership', 3],
      ]);
      expect(missed.changes[2]).toMatchObject({ item: { eventType: 'MemberRemoved' } });
      expect(await refusal(queries.changesAfter(gina, left, 3))).toBe('not-a-member');
      // No device of hers without a cursor resumes it.
      expect((await queries.resumeStarts(gina, [left])).get(left)).toBeNull();
    } finally {
      await pool.query(`DELETE FROM ${memberships} WHERE conversation_id = $1 AND user_id = $2`, [
        left,
        gina,
      ]);
    }
  });

  it('resumes a device without a cursor after the read position', async () => {
    // Bob read up to seq 3; the item at seq 4 was made by cs 4.
    expect((await queries.resumeStarts(bob, [group])).get(group)).toBe(3);
  });

  it("walks a user's conversations by id, whatever their activity", async () => {
    const first = await queries.conversationsOf(alice, { limit: 1 });
    expect(first.conversationIds).toEqual([direct]);
    const second = await queries.conversationsOf(alice, { limit: 1, after: first.next! });
    expect(second.conversationIds).toEqual([group]);
    expect((await queries.conversationsOf(gina)).conversationIds).toEqual([left]);
  });

  it('is refused to outsiders', async () => {
    expect(await refusal(queries.changesAfter(erin, group, 0))).toBe('not-a-member');
    expect(await refusal(queries.changesAfter(mallory, `missing-${run}`, 0))).toBe('not-a-member');
  });
});

describe('history access', () => {
  it('is refused to outsiders, whether or not the conversation exists', async () => {
    expect(await refusal(queries.history(mallory, group))).toBe('not-a-member');
    expect(await refusal(queries.history(mallory, `missing-${run}`))).toBe('not-a-member');
    expect(await refusal(queries.members(mallory, direct))).toBe('not-a-member');
  });
});

describe('members and receipts', () => {
  it('lists members with roles in the order they joined', async () => {
    expect(await queries.members(bob, group)).toEqual([
      { userId: alice, role: 'ADMIN', joinedSeq: 1 },
      { userId: bob, role: 'MEMBER', joinedSeq: 1 },
      { userId: carol, role: 'MEMBER', joinedSeq: 1 },
      { userId: dave, role: 'MEMBER', joinedSeq: 4 },
    ]);
  });

  it('tells the sender of a direct message whether it was delivered and read', async () => {
    expect(await queries.receipt(alice, direct, `d1-${run}`)).toMatchObject({ status: 'read' });
    expect(await queries.receipt(alice, direct, `d2-${run}`)).toMatchObject({
      status: 'delivered',
    });
  });

  it('counts group receipts among those who were members when it was sent', async () => {
    // m1 (seq 2): bob read up to 3; carol wrote later, which reads everything before her
    // message; dave joined later and does not count.
    expect(await queries.receipt(alice, group, `m1-${run}`)).toEqual({
      kind: 'GROUP',
      messageId: `m1-${run}`,
      seq: 2,
      recipients: 2,
      delivered: 2,
      read: 2,
    });
    // m3 (seq 5): dave counts now; bob's cursors stop at 3; only carol has it.
    expect(await queries.receipt(alice, group, `m3-${run}`)).toMatchObject({
      recipients: 3,
      delivered: 1,
      read: 1,
    });
  });

  it('shows receipts to the sender only', async () => {
    expect(await refusal(queries.receipt(bob, group, `m1-${run}`))).toBe('not-the-sender');
    expect(await refusal(queries.receipt(alice, group, `nope-${run}`))).toBe('message-not-found');
  });
});

describe('presence', () => {
  it('answers for users who share a conversation, and refuses strangers', async () => {
    expect(await queries.presence(dave, [bob, carol])).toEqual([
      { userId: bob, online: true, lastSeenAt: null },
      { userId: carol, online: false, lastSeenAt: null },
    ]);
    expect(await refusal(queries.presence(erin, [bob]))).toBe('no-shared-conversation');
    expect(await refusal(queries.presence(mallory, [mallory]))).toBe('allowed');
  });
});
