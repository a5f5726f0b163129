import { randomUUID } from 'node:crypto';
import {
  directCreated,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
} from '@chat/domain/testing';
import {
  createDeadLetterPublisher,
  createEventAppender,
  createEventCodec,
  type ConversationEvent,
} from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createPgPool } from '@chat/storage';
import { createPostgresProjectionRunner } from '../../../../apps/projectors/src/runtime/postgres-projection-runner';
import { searchProjection } from '../../../../apps/projectors/src/search/search-projection';
import { PROJECTIONS, versionKey } from '../projection-names';
import { ViewError } from '../queries/view-error';
import { SearchQueries } from './search-queries';
import { SearchStore } from './search-store';
import { searchSchemaOf } from './search-tables';
import { viewVersions } from '../versions/view-versions';

/**
 * Search over a search version the projector built from a scripted log: only conversations
 * the user is a member of, only from their join seq; edits replace, deletes remove, ciphertext
 * is never found; filters; stable keyset pages.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('search-queries');
const codec = createEventCodec({ registryUrl });
// As many connections as the runner has partitions in flight, plus the test's own reads.
const pool = createPgPool(config);
const appender = createEventAppender({ kafka, codec, logger });
const version = 100000 + Math.floor(Math.random() * 1000000);
const queries = new SearchQueries(async () => new SearchStore(pool, searchSchemaOf(version)));
const run = randomUUID().slice(0, 8);
const [alice, bob, carol, dave, erin, frank] = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
].map((name) => `${name}-${run}`) as [string, string, string, string, string, string];
const group = `group-${run}`;
const direct = `direct-${run}`;
const paged = `paged-${run}`;
const id = (name: string) => `${run}-${name}`;
const day = (d: string) => Date.parse(`2026-${d}T12:00:00Z`);

const said = (
  sender: string,
  name: string,
  body: string,
  conversationId = group,
  at = day('01-01'),
): ConversationEvent => {
  const event = messageSent(sender, id(name), conversationId);
  return { ...event, body, envelope: { ...event.envelope, occurredAt: at } } as ConversationEvent;
};

const projector = createPostgresProjectionRunner({
  kafka,
  codec,
  deadLetters: createDeadLetterPublisher({ kafka, logger }),
  pool,
  logger,
  projection: searchProjection(version),
});

beforeAll(async () => {
  await viewVersions(PROJECTIONS.search, { pool }).create(version);
  await appender.connect();
  const encrypted = {
    ...messageSent(bob, id('cipher'), group),
    body: null,
    ciphertext: { algorithm: 'mls-1', data: Buffer.from('rocket') },
  } as ConversationEvent;
  await appender.append([
    groupCreated(alice, [bob], group), // seq 1
    said(alice, 'launch', 'The launch plan for the rocket', group, day('01-10')), // seq 2
    said(bob, 'fuel', 'rocket fuel budget is <b>approved</b>', group, day('02-10')), // seq 3
    encrypted, // seq 4
    said(alice, 'idea', 'an old rocket idea'), // seq 5
    messageEdited(id('idea'), alice, 'a brand new concept', group),
    said(alice, 'gone', 'rocket to delete'), // seq 6
    messageDeleted(id('gone'), alice, group),
    memberAdded(carol, alice, 'MEMBER', group), // seq 7
    said(carol, 'landing', 'rocket landing went well', group, day('03-10')), // seq 8
    memberRemoved(bob, alice, group), // seq 9
    directCreated(dave, erin, direct),
    said(dave, 'hidden', 'the rocket is a secret', direct),
    directCreated(alice, frank, paged),
    ...Array.from({ length: 25 }, (_, i) =>
      said(
        i % 2 ? alice : frank,
        `page-${i}`,
        `paging rocket number ${i}`,
        paged,
        day('04-01') + i,
      ),
    ),
  ]);
  await projector.start();
  await waitFor(
    'the log to be indexed',
    async () => {
      // Each conversation's last event: they may sit in different partitions.
      const schema = searchSchemaOf(version);
      const { rows } = await pool.query(
        `SELECT message_id AS id FROM ${schema}.messages WHERE message_id = ANY($1)
         UNION ALL SELECT user_id FROM ${schema}.member_spans
          WHERE conversation_id = $2 AND removed_seq IS NOT NULL`,
        [[id('page-24'), id('hidden')], group],
      );
      return rows.length === 3 ? true : undefined;
    },
    { timeoutMs: 180000 },
  );
}, 200000);

afterAll(async () => {
  await projector.stop();
  await appender.disconnect();
  await pool.query(`DROP SCHEMA ${searchSchemaOf(version)} CASCADE`);
  await pool.query('DELETE FROM projection_versions WHERE version = $1', [version]);
  await pool.query('DELETE FROM projection_positions WHERE projection = $1', [
    versionKey('search', version),
  ]);
  await pool.end();
});

const idsOf = (page: { items: Array<{ messageId: string }> }) =>
  page.items.map((hit) => hit.messageId.slice(run.length + 1)).sort();

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no refusal',
    (error: unknown) => (error instanceof ViewError ? error.code : String(error)),
  );

it('finds across the user’s conversations only', async () => {
  const found = await queries.search(alice, 'rocket', { limit: 50 });
  expect(found.items.map((hit) => hit.conversationId)).not.toContain(direct);
  expect(idsOf(await queries.search(alice, 'rocket', { conversationId: group }))).toEqual([
    'fuel',
    'landing',
    'launch',
  ]);
  expect(found.items).toHaveLength(3 + 25);
});

it('refuses a search within a conversation to an outsider, and finds nothing of it for them', async () => {
  expect(await refusal(queries.search(alice, 'secret', { conversationId: direct }))).toBe(
    'not-a-member',
  );
  expect((await queries.search(alice, 'secret')).items).toEqual([]);
  expect(idsOf(await queries.search(dave, 'secret'))).toEqual(['hidden']);
});

it('does not find what was said before the user joined', async () => {
  expect(idsOf(await queries.search(carol, 'rocket'))).toEqual(['landing']);
});

it('finds nothing in a conversation the user was removed from', async () => {
  expect((await queries.search(bob, 'rocket')).items).toEqual([]);
  expect(await refusal(queries.search(bob, 'rocket', { conversationId: group }))).toBe(
    'not-a-member',
  );
});

it('finds an edited message by its new text only', async () => {
  expect((await queries.search(alice, 'old idea')).items).toEqual([]);
  expect(idsOf(await queries.search(alice, 'brand new'))).toEqual(['idea']);
});

it('never finds a message deleted for everyone', async () => {
  expect((await queries.search(alice, 'delete')).items).toEqual([]);
});

it('never finds a ciphertext-only message, nor keeps its bytes as text', async () => {
  const { rows } = await pool.query(
    `SELECT body, document FROM ${searchSchemaOf(version)}.messages WHERE message_id = $1`,
    [id('cipher')],
  );
  expect(rows).toEqual([{ body: null, document: null }]);
  expect(idsOf(await queries.search(alice, 'rocket', { senderId: bob }))).toEqual(['fuel']);
});

it('filters by sender and by date range', async () => {
  const inGroup = { conversationId: group };
  expect(idsOf(await queries.search(alice, 'rocket', { ...inGroup, senderId: carol }))).toEqual([
    'landing',
  ]);
  expect(
    idsOf(
      await queries.search(alice, 'rocket', {
        ...inGroup,
        from: '2026-02-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      }),
    ),
  ).toEqual(['fuel']);
});

it('takes web search syntax: phrases, or, and minus', async () => {
  const inGroup = { conversationId: group };
  expect(idsOf(await queries.search(alice, '"fuel budget"', inGroup))).toEqual(['fuel']);
  expect(idsOf(await queries.search(alice, 'rocket -fuel -landing', inGroup))).toEqual(['launch']);
  expect(idsOf(await queries.search(alice, 'plan or landing', inGroup))).toEqual([
    'landing',
    'launch',
  ]);
});

it('highlights the matched words in a snippet, markup in the body left out', async () => {
  const [hit] = (await queries.search(alice, 'approved', { conversationId: group })).items;
  expect(hit!.snippet.text).toBe('rocket fuel budget is approved');
  expect(hit!.snippet.highlights.map(([s, e]) => hit!.snippet.text.slice(s, e))).toEqual([
    'approved',
  ]);
  expect(hit).toMatchObject({ senderId: bob, seq: 3, sentAt: '2026-02-10T12:00:00.000Z' });
});

it('ranks a closer match first', async () => {
  const [first] = (await queries.search(alice, 'rocket landing', { conversationId: group })).items;
  expect(first!.messageId).toBe(id('landing'));
});

it('pages by a keyset cursor: pages put together equal one long page, no repeats', async () => {
  const whole = await queries.search(frank, 'paging', { limit: 50 });
  expect(whole.items).toHaveLength(25);
  expect(whole.next).toBeNull();
  const pages: string[] = [];
  let after: string | undefined;
  do {
    const page = await queries.search(frank, 'paging', { limit: 10, after });
    pages.push(...page.items.map((hit) => hit.messageId));
    after = page.next ?? undefined;
  } while (after);
  expect(pages).toEqual(whole.items.map((hit) => hit.messageId));
  expect(new Set(pages).size).toBe(25);
});

it('refuses a cursor it did not give out, an empty query and an oversized page', async () => {
  expect(await refusal(queries.search(frank, 'paging', { after: 'bm90LWEtY3Vyc29y' }))).toBe(
    'bad-cursor',
  );
  expect(await refusal(queries.search(frank, '   '))).toBe('bad-query');
  expect(await refusal(queries.search(frank, 'paging', { limit: 51 }))).toBe('bad-page');
  expect(await refusal(queries.search(frank, 'paging', { from: 'yesterday' }))).toBe('bad-query');
});

it('takes a query holding U+0000 as the index took such text, without an error', async () => {
  // U+FFFD is no letter: the words either side of it are searched for.
  const found = await queries.search(frank, 'paging\u0000rocket', { limit: 50 });
  expect(found.items).toHaveLength(25);
});
