import { randomUUID } from 'node:crypto';
import { createDeadLetterPublisher, createEventAppender, createEventCodec } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import {
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
  reaction,
} from '@chat/domain/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import {
  PROJECTIONS,
  TIMELINE_BUCKET_SIZE,
  TimelineStore,
  type TimelineTables,
  timelineTablesOf,
  viewVersions,
} from '@chat/views';
import { createCassandraProjectionRunner } from '../runtime/cassandra-projection-runner';
import { foldHistory } from '../testing/fold-history';
import { timelineProjection } from './timeline-projection';
import { writeTimeline } from './timeline-writer';
import { itemsTakenBackFrom, timelineWrites } from './timeline-writes';

const { config, logger, kafka, registryUrl } = eventLogFixture('timeline-projection');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const keyspace = config.cassandra.keyspace;
const appender = createEventAppender({ kafka, codec, logger });
// A version of its own: fresh tables and a fresh consumer group, the way a rebuild runs.
const version = 100000 + Math.floor(Math.random() * 1000000);
const run = randomUUID().slice(0, 8);
let tables: TimelineTables;
let store: TimelineStore;

const runner = () =>
  createCassandraProjectionRunner({
    kafka,
    codec,
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    pool,
    cassandra,
    keyspace,
    logger,
    projection: timelineProjection(cassandra, tables, version),
  });

beforeAll(async () => {
  await viewVersions(PROJECTIONS.timeline, { pool, cassandra, keyspace }).create(version);
  tables = timelineTablesOf(keyspace, version);
  store = new TimelineStore(cassandra, tables);
  await appender.connect();
}, 60000);

afterAll(async () => {
  await appender.disconnect();
  for (const table of Object.values(tables).filter((name) => name !== keyspace)) {
    await cassandra.execute(`DROP TABLE IF EXISTS ${table}`);
  }
  await pool.query('DELETE FROM projection_versions WHERE projection = $1 AND version = $2', [
    'timeline',
    version,
  ]);
  await Promise.all([cassandra.shutdown(), pool.end()]);
});

/** The i-th of 100 distinct emoji. */
const emoji = (i: number) => String.fromCodePoint(0x1f400 + i);

describe('the timeline projection', () => {
  const group = `group-${randomUUID()}`;
  const busy = `group-${randomUUID()}`;
  const busyMessages = TIMELINE_BUCKET_SIZE + 20;
  let projector: ReturnType<typeof runner>;
  const m = (name: string) => `${run}-${name}`;

  beforeAll(async () => {
    await appender.append([
      groupCreated('alice', ['bob'], group), // seq 1
      messageSent('alice', m('m1'), group), // seq 2
      messageSent('bob', m('m2'), group), // seq 3
      messageEdited(m('m2'), 'bob', 'hello, edited', group),
      messageEdited(m('m2'), 'alice', 'not hers to edit', group), // ignored: not the author
      reaction(true, m('m1'), 'bob', '👍', group),
      reaction(true, m('m1'), 'alice', '👍', group),
      reaction(true, m('m1'), 'bob', '🎉', group),
      reaction(false, m('m1'), 'bob', '👍', group),
      // Alice tries 100 emoji on m2, then takes back one she replaced long ago: a no-op.
      ...Array.from({ length: 100 }, (_, i) => reaction(true, m('m2'), 'alice', emoji(i), group)),
      reaction(false, m('m2'), 'alice', emoji(0), group),
      reaction(true, m('m2'), 'bob', '👍', group),
      memberAdded('carol', 'alice', 'MEMBER', group), // seq 4
      messageSent('carol', m('m3'), group), // seq 5
      reaction(true, m('m3'), 'alice', '❤️', group),
      messageDeleted(m('m3'), 'alice', group), // an admin deletes
      messageSent('alice', m('m1'), group), // same message id: ignored
      messageSent('alice', m('other-id'), group, `client-${m('m1')}`), // same client id: ignored
      memberRemoved('bob', 'alice', group), // seq 6
      messageSent('bob', m('late'), group), // after his removal: ignored
      messageSent('alice', m('m4'), group), // seq 7
    ]);
    const many = [groupCreated('dave', [], busy)];
    for (let i = 1; i <= busyMessages; i++) many.push(messageSent('dave', m(`busy-${i}`), busy));
    await appender.append(many);
    projector = runner();
    await projector.start();
    await waitFor(
      'both conversations to be projected',
      async () => {
        const [last, lastBusy] = await Promise.all([
          store.message(group, m('m4')),
          store.message(busy, m(`busy-${busyMessages}`)),
        ]);
        return last && lastBusy ? true : undefined;
      },
      // A fresh version reads the whole log from offset 0, like a rebuild.
      { timeoutMs: 180000 },
    );
  }, 200000);

  afterAll(() => projector.stop());

  it('numbers items with a gapless seq and pages history newest first', async () => {
    const page = await store.history(group, { limit: 3 });
    expect(page.map((item) => [item.seq, item.eventType, item.actorId])).toEqual([
      [7, 'MessageSent', 'alice'],
      [6, 'MemberRemoved', 'alice'],
      [5, 'MessageSent', 'carol'],
    ]);
    const next = await store.history(group, { beforeSeq: 5, limit: 10 });
    expect(next.map((item) => item.seq)).toEqual([4, 3, 2, 1]);
    expect(next[0]).toMatchObject({ itemKind: 'NOTICE', notice: { userId: 'carol' } });
  });

  it('applies edits by the author and reactions, in log order', async () => {
    expect(await store.message(group, m('m2'))).toMatchObject({
      body: 'hello, edited',
      editedAt: expect.any(String),
    });
    expect((await store.message(group, m('m1')))?.reactions).toEqual({
      '🎉': ['bob'],
      '👍': ['alice'],
    });
  });

  it("keeps one reaction per member: alice's newest of 100 distinct emoji", async () => {
    expect((await store.message(group, m('m2')))?.reactions).toEqual({
      [emoji(99)]: ['alice'],
      '👍': ['bob'],
    });
  });

  it('keeps a deleted message as deleted, without its content or reactions', async () => {
    expect(await store.message(group, m('m3'))).toMatchObject({
      seq: 5,
      deleted: true,
      deletedBy: 'alice',
      body: null,
      reactions: {},
    });
  });

  it('ignores duplicates and a removed member, and records why', async () => {
    const { rows } = await cassandra.execute(
      `SELECT event_type, reason FROM ${tables.ignored} WHERE conversation_id = ?`,
      [group],
      { prepare: true },
    );
    expect(rows.map((row) => [row.event_type, row.reason])).toEqual([
      ['MessageEdited', 'not-the-author'],
      ['MessageSent', 'duplicate-message'],
      ['MessageSent', 'duplicate-message'],
      ['MessageSent', 'not-a-member'],
    ]);
    expect(await store.message(group, m('other-id'))).toBeNull();
  });

  it('splits a long timeline into bounded buckets and pages across them', async () => {
    const newest = await store.history(busy, { limit: 30 });
    const last = busyMessages + 1;
    expect(newest.map((item) => item.seq)).toEqual(Array.from({ length: 30 }, (_, i) => last - i));
    const { rows } = await cassandra.execute(
      `SELECT COUNT(*) AS items FROM ${tables.items} WHERE conversation_id = ? AND bucket = 0`,
      [busy],
      { prepare: true },
    );
    expect(Number(rows[0]!.items)).toBe(TIMELINE_BUCKET_SIZE - 1);
    expect((await store.range(busy, 995, 1005)).map((item) => item.seq)).toEqual(
      Array.from({ length: 11 }, (_, i) => 995 + i),
    );
  });
});

describe("the timeline's reactions, written in batches as the projection writes them", () => {
  const group = `group-${randomUUID()}`;
  const events = [
    groupCreated('alice', ['bob'], group),
    messageSent('bob', 'm1', group), // seq 2
    ...Array.from({ length: 100 }, (_, i) => reaction(true, 'm1', 'alice', emoji(i), group)),
    reaction(true, 'm1', 'bob', '👍', group),
    reaction(true, 'm1', 'bob', '🎉', group),
    reaction(false, 'm1', 'bob', '👍', group), // taken back from another device: a no-op
    reaction(false, 'm1', 'alice', emoji(99), group),
    reaction(true, 'm1', 'alice', '❤️', group),
    reaction(false, 'm1', 'alice', '❤️', group),
  ];
  const outcomes = foldHistory(events, { firstOffset: 1000 });

  /** Writes outcomes in batches of `size`, each folded over the reactions as stored. */
  async function deliver(from: number, size: number) {
    for (let i = from; i < outcomes.length; i += size) {
      const batch = outcomes.slice(i, i + size);
      const stored = await store.memberReactions(itemsTakenBackFrom(batch));
      await writeTimeline(cassandra, tables, timelineWrites(batch, stored));
    }
  }

  const reactions = async () => (await store.item(group, 2))?.reactions;

  it('leaves one per member, the newest, whatever the batches', async () => {
    await deliver(0, 7);
    expect(await reactions()).toEqual({ '🎉': ['bob'] });
  });

  it('changes nothing when the same events are delivered again, whole or from the middle', async () => {
    const before = await store.storedItem(group, 2);
    await deliver(0, 1000);
    await deliver(50, 3);
    await deliver(outcomes.length - 4, 1);
    expect(await store.storedItem(group, 2)).toEqual(before);
    expect(await reactions()).toEqual({ '🎉': ['bob'] });
  });
});
