import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
  reaction,
} from '@chat/domain/testing';
import { TOPICS, type ConversationEvent } from '@chat/events';
import { eventLogFixture } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import {
  ChangeLog,
  PROJECTIONS,
  SearchQueries,
  SearchStore,
  searchSchemaOf,
  type TimelineTables,
  timelineTablesOf,
  ViewError,
  viewVersions,
} from '@chat/views';
import { searchProjection } from '../search/search-projection';
import { foldHistory } from '../testing/fold-history';
import {
  framesSeen,
  itemReplayed,
  spansOf,
  summaryOfFrame,
  summaryOfItem,
} from '../testing/seen-by-spans';
import { timelineWrites } from './timeline-writes';
import { writeTimeline } from './timeline-writer';

/**
 * What a reader gets from the timeline's stores (what resume, sync over the socket and HTTP,
 * and history read through) and from search is a function of their membership spans alone:
 * each item as it was at the end of the span they saw it in, a delete for everyone on every
 * copy.
 */
const { config } = eventLogFixture('reader-visibility');
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const keyspace = config.cassandra.keyspace;
// A version of its own: fresh tables that only this test writes.
const version = 100000 + Math.floor(Math.random() * 1000000);
let tables: TimelineTables;
let log: ChangeLog;
const searchVersion = version;
const search = new SearchQueries(async () => new SearchStore(pool, searchSchemaOf(searchVersion)));
/** Offsets of the histories projected into search: distinct across histories. */
let nextOffset = 0;

/** Projects a history into a search version of its own, as the search projector does. */
async function index(events: ConversationEvent[]) {
  const consumed = events.map((event) => ({
    event,
    topic: TOPICS.conversations,
    partition: 0,
    offset: String(nextOffset++),
    timestamp: 0,
  }));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await searchProjection(searchVersion).apply(client, consumed);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
const USERS = ['alice', 'bob', 'carol', 'dave'];

/** Projects a history into the stores as the timeline projector does, in one batch. */
async function project(events: ConversationEvent[]) {
  const outcomes = foldHistory(events);
  await writeTimeline(cassandra, tables, timelineWrites(outcomes));
  return outcomes;
}

const inConversation = (conversationId: string, events: ConversationEvent[]) =>
  events.map((event) => ({ ...event, conversationId }));

beforeAll(async () => {
  await viewVersions(PROJECTIONS.timeline, { pool, cassandra, keyspace }).create(version);
  tables = timelineTablesOf(keyspace, version);
  await viewVersions(PROJECTIONS.search, { pool }).create(searchVersion);
  log = new ChangeLog(cassandra, tables);
}, 60000);

afterAll(async () => {
  for (const table of Object.values(tables).filter((name) => name !== keyspace)) {
    await cassandra.execute(`DROP TABLE IF EXISTS ${table}`);
  }
  await pool.query(`DROP SCHEMA IF EXISTS ${searchSchemaOf(searchVersion)} CASCADE`);
  await pool.query('DELETE FROM projection_versions WHERE projection = ANY($1) AND version = $2', [
    ['timeline', 'search'],
    version,
  ]);
  await Promise.all([cassandra.shutdown(), pool.end()]);
});

describe('what a removed member reads', () => {
  const group = `group-${randomUUID()}`;

  beforeAll(async () => {
    await project(
      inConversation(group, [
        groupCreated('alice', ['bob', 'carol']), // cs 1, seq 1
        messageSent('alice', 'm1'), // cs 2, seq 2: "hello from alice"
        memberRemoved('carol', 'alice'), // cs 3, seq 3
        messageEdited('m1', 'alice', 'SECRET-AFTER-REMOVAL'), // cs 4
        reaction(true, 'm1', 'bob', '👀'), // cs 5
        memberAdded('carol', 'alice'), // cs 6, seq 4
        messageSent('alice', 'm2'), // cs 7, seq 5
        reaction(true, 'm2', 'bob', '🙂'), // cs 8
        memberRemoved('carol', 'alice'), // cs 9, seq 6
        messageEdited('m2', 'alice', 'SECOND-SECRET'), // cs 10
        reaction(false, 'm2', 'bob', '🙂'), // cs 11
        reaction(true, 'm2', 'alice', '🔒'), // cs 12
      ]),
    );
  });

  it('should not show a removed member edits and reactions made after their removal', async () => {
    const missed = (await log.after('carol', group, 0, 200))!;
    expect(missed.changes.map((c) => [c.type, c.cs])).toEqual([
      ['membership', 1],
      ['message', 2],
      ['membership', 3],
      ['membership', 6],
      ['message', 7],
      ['reaction', 8],
      ['membership', 9],
    ]);
    expect(missed.changes[1]).toMatchObject({
      item: { body: 'hello from alice', editedAt: null, reactions: {} },
    });
    // Her second span: bob's reaction while she was there, nothing of what followed.
    expect(missed.changes[4]).toMatchObject({
      item: { body: 'hello from alice', editedAt: null, reactions: { '🙂': ['bob'] } },
    });
    const seen = JSON.stringify(missed);
    for (const later of ['SECRET', '👀', '🔒']) expect(seen).not.toContain(later);
  });

  it('should show a member all along every item as it is now', async () => {
    const missed = (await log.after('bob', group, 0, 200))!;
    expect(missed.changes.find((c) => c.cs === 2)).toMatchObject({
      item: {
        body: 'SECRET-AFTER-REMOVAL',
        editedAt: expect.any(String),
        reactions: { '👀': ['bob'] },
      },
    });
    expect(missed.changes.find((c) => c.cs === 7)).toMatchObject({
      item: { body: 'SECOND-SECRET', reactions: { '🔒': ['alice'] } },
    });
    const reader = (await log.reader('bob', group))!;
    const page = await log.itemsSeenBy(
      group,
      reader,
      await log.timeline.storedHistory(group, { limit: 50 }),
    );
    expect(page.find((item) => item.seq === 5)).toMatchObject({ body: 'SECOND-SECRET' });
  });

  it('should give a removed member a delete for everyone made after they left', async () => {
    const gone = `gone-${randomUUID()}`;
    await project(
      inConversation(gone, [
        groupCreated('alice', ['bob']), // cs 1
        messageSent('alice', 'm1'), // cs 2
        memberRemoved('bob', 'alice'), // cs 3
        messageEdited('m1', 'alice', 'SECRET-THEN-GONE'), // cs 4
        messageDeleted('m1', 'alice'), // cs 5
      ]),
    );
    const missed = (await log.after('bob', gone, 0, 200))!;
    expect(missed.changes[1]).toMatchObject({
      type: 'message',
      item: { deleted: true, body: null, editedAt: null },
    });
    expect(JSON.stringify(missed)).not.toContain('SECRET');
  });
});

/**
 * Random histories of a group that exists from the start, weighted so that members come and
 * go between sends, edits and reactions (many of them ones the rules forbid at their
 * position), with a distinct text for every send and edit.
 */
const user = fc.constantFrom('alice', 'bob', 'carol', 'dave');
const messageId = fc.constantFrom('m1', 'm2', 'm3', 'm4');
const step = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(user, messageId).map(([u, m]) => messageSent(u, m)) },
  { weight: 3, arbitrary: fc.tuple(messageId, user).map(([m, u]) => messageEdited(m, u, '')) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.boolean(), messageId, user, fc.constantFrom('👍', '🎉'))
      .map(([added, m, u, emoji]) => reaction(added, m, u, emoji)),
  },
  { weight: 2, arbitrary: user.map((u) => memberAdded(u, 'alice')) },
  { weight: 2, arbitrary: user.map((u) => memberRemoved(u, u === 'dave' ? 'dave' : 'alice')) },
  { weight: 1, arbitrary: fc.tuple(messageId, user).map(([m, u]) => messageDeleted(m, u)) },
);
const histories = fc.array(step, { minLength: 10, maxLength: 40 }).map((events) =>
  [groupCreated('alice', ['bob', 'carol']), ...events].map((event, i): ConversationEvent => {
    if (event.type === 'MessageSent') return { ...event, body: `sent number${i}` };
    if (event.type === 'MessageEdited') return { ...event, body: `edit number${i}` };
    return event;
  }),
);

describe('every reader, over random histories', () => {
  it('should get from resume, sync, history and search only what their spans allow', async () => {
    await fc.assert(
      fc.asyncProperty(histories, async (history) => {
        const conversationId = `random-${randomUUID()}`;
        const events = inConversation(conversationId, history);
        const outcomes = await project(events);
        await index(events);
        const position = Math.max(0, ...outcomes.map((o) => o.cs ?? 0));
        for (const user of USERS) {
          const spans = spansOf(outcomes, user);
          const missed = await log.after(user, conversationId, 0, 1000);
          if (spans.length === 0) {
            expect(missed).toBeNull();
            continue;
          }
          // Resume and sync (socket and HTTP) all read this.
          expect(missed!.changes.map(summaryOfFrame)).toEqual(framesSeen(outcomes, user));
          const open = spans.find((s) => s.leftCs === null);
          // Search: for a member now, the messages from where they joined, by their text now.
          const found = await search
            .search(user, 'sent or edit', { conversationId, limit: 50 })
            .catch((error: unknown) => {
              if (error instanceof ViewError) return error.code;
              throw error;
            });
          if (!open) {
            expect(found).toBe('not-a-member');
            continue;
          }
          if (typeof found === 'string') throw new Error(`search refused: ${found}`);
          const messages = (await log.timeline.storedHistory(conversationId, { limit: 200 }))
            .map((s) => s.item)
            .filter((item) => item.itemKind === 'MESSAGE' && item.seq >= open.joinedSeq);
          expect(
            found.items
              .map((hit) => [hit.seq, hit.snippet.text])
              .sort(([a], [b]) => Number(a) - Number(b)),
          ).toEqual(
            messages
              .map((item) => [item.seq, itemReplayed(outcomes, item.seq, position).body])
              .filter(([, body]) => body !== null)
              .sort(([a], [b]) => Number(a) - Number(b)),
          );
          // History: what ChatQueries pages, for a member now, from where they joined.
          const reader = (await log.reader(user, conversationId))!;
          const stored = (await log.timeline.storedHistory(conversationId, { limit: 200 })).filter(
            (s) => s.item.seq >= open.joinedSeq,
          );
          const page = await log.itemsSeenBy(conversationId, reader, stored);
          expect(page.map((item) => [item.seq, summaryOfItem(item)])).toEqual(
            stored.map((s) => [s.item.seq, itemSummaryAt(s.item.seq, s.item.itemKind)]),
          );
          function itemSummaryAt(seq: number, kind: string) {
            return kind === 'MESSAGE'
              ? itemReplayed(outcomes, seq, position)
              : summaryOfItem(stored.find((s) => s.item.seq === seq)!.item);
          }
        }
      }),
      { numRuns: 25 },
    );
  }, 120000);
});
