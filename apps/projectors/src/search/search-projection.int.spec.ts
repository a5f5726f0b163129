import { createDeadLetterPublisher, createEventAppender, createEventCodec } from '@chat/events';
import type { ConversationEvent } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import {
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
} from '@chat/domain/testing';
import { createPgPool } from '@chat/storage';
import { digestSearch, PROJECTIONS, searchSchemaOf, versionKey, viewVersions } from '@chat/views';
import { randomUUID } from 'node:crypto';
import { createPostgresProjectionRunner } from '../runtime/postgres-projection-runner';
import { searchProjection } from './search-projection';

const { config, logger, kafka, registryUrl } = eventLogFixture('search-projection');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config);
const appender = createEventAppender({ kafka, codec, logger });
// A version of its own: fresh tables and a fresh consumer group, the way a rebuild runs.
const version = 100000 + Math.floor(Math.random() * 1000000);
const schema = searchSchemaOf(version);
const run = randomUUID().slice(0, 8);
const group = `group-${randomUUID()}`;

const said = (senderId: string, id: string, body: string): ConversationEvent =>
  ({
    ...messageSent(senderId, `${run}-${id}`, group),
    body,
  }) as ConversationEvent;
const encrypted = (senderId: string, id: string): ConversationEvent =>
  ({
    ...messageSent(senderId, `${run}-${id}`, group),
    body: null,
    ciphertext: { algorithm: 'mls-1', data: Buffer.from([1, 2, 3]) },
  }) as ConversationEvent;

const runner = () =>
  createPostgresProjectionRunner({
    kafka,
    codec,
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    pool,
    logger,
    projection: searchProjection(version),
  });

const message = async (id: string) =>
  (
    await pool.query(
      `SELECT seq::int, body, deleted, document IS NOT NULL AS indexed
       FROM ${schema}.messages WHERE conversation_id = $1 AND message_id = $2`,
      [group, `${run}-${id}`],
    )
  ).rows[0];

describe('the search projection', () => {
  const projector = runner();

  beforeAll(async () => {
    await viewVersions(PROJECTIONS.search, { pool }).create(version);
    await appender.connect();
    await appender.append([
      groupCreated('alice', ['bob'], group), // seq 1
      said('alice', 'budget', 'The quarterly budget report is ready'), // seq 2
      encrypted('bob', 'secret'), // seq 3
      said('alice', 'draft', 'draft numbers attached'), // seq 4
      messageEdited(`${run}-draft`, 'alice', 'final numbers attached', group),
      said('alice', 'oops', 'wrong budget channel'), // seq 5
      messageDeleted(`${run}-oops`, 'alice', group),
      memberAdded('carol', 'alice', 'MEMBER', group), // seq 6
      memberRemoved('bob', 'alice', group), // seq 7
      said('bob', 'late', 'after my removal'), // ignored: bob is not a member
      { ...messageEdited(`${run}-budget`, 'bob', 'hijacked', group) }, // ignored: not the author
      messageSent('carol', `${run}-done`, group), // seq 8
    ]);
    await projector.start();
    await waitFor(
      'the conversation to be projected',
      async () => ((await message('done')) ? true : undefined),
      { timeoutMs: 180000 },
    );
  }, 200000);

  afterAll(async () => {
    await projector.stop();
    await appender.disconnect();
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.query('DELETE FROM projection_versions WHERE version = $1', [version]);
    await pool.query('DELETE FROM projection_positions WHERE projection = $1', [
      versionKey('search', version),
    ]);
    await pool.end();
  });

  it('indexes a plaintext body with the seq the ledger gave it', async () => {
    expect(await message('budget')).toEqual({
      seq: 2,
      body: 'The quarterly budget report is ready',
      deleted: false,
      indexed: true,
    });
  });

  it('never indexes or keeps a ciphertext-only message', async () => {
    expect(await message('secret')).toEqual({ seq: 3, body: null, deleted: false, indexed: false });
  });

  it('replaces the indexed text on an edit', async () => {
    expect(await message('draft')).toMatchObject({ body: 'final numbers attached', indexed: true });
    const { rows } = await pool.query(
      `SELECT message_id FROM ${schema}.messages
       WHERE document @@ websearch_to_tsquery('simple', 'draft') AND conversation_id = $1`,
      [group],
    );
    expect(rows).toEqual([]);
  });

  it('removes a message deleted for everyone from the index', async () => {
    expect(await message('oops')).toEqual({ seq: 5, body: null, deleted: true, indexed: false });
  });

  it('ignores what the ledger refuses and records why, never applying it', async () => {
    expect(await message('late')).toBeUndefined();
    expect((await message('budget')).body).toBe('The quarterly budget report is ready');
    const { rows } = await pool.query(
      `SELECT event_type, reason FROM ${schema}.ignored_events WHERE conversation_id = $1
       ORDER BY "offset"`,
      [group],
    );
    expect(rows.map((r: { event_type: string }) => r.event_type)).toEqual([
      'MessageSent',
      'MessageEdited',
    ]);
    expect(await message('done')).toMatchObject({ seq: 8 });
  });

  it('keeps membership spans: from the join seq, closed at the removal', async () => {
    const { rows } = await pool.query(
      `SELECT user_id, joined_seq::int, removed_seq::int FROM ${schema}.member_spans
       WHERE conversation_id = $1 ORDER BY user_id`,
      [group],
    );
    expect(rows).toEqual([
      { user_id: 'alice', joined_seq: 1, removed_seq: null },
      { user_id: 'bob', joined_seq: 1, removed_seq: 7 },
      { user_id: 'carol', joined_seq: 6, removed_seq: null },
    ]);
  });

  it('changes nothing in the index when the same send is applied again', async () => {
    const rows = async () =>
      (
        await pool.query(
          `SELECT message_id, seq, body, document::text FROM ${schema}.messages
           WHERE conversation_id = $1 ORDER BY seq`,
          [group],
        )
      ).rows;
    const before = await rows();
    const again = [said('alice', 'budget', 'The quarterly budget report is ready')];
    const client = await pool.connect();
    try {
      await searchProjection(version).apply(
        client,
        again.map((event, i) => ({
          event,
          topic: 't',
          partition: 0,
          offset: String(-1 - i),
          timestamp: 0,
        })),
      );
    } finally {
      client.release();
    }
    expect(before).toHaveLength(5);
    expect(await rows()).toEqual(before);
  });

  it('has a digest per conversation that two equal versions share', async () => {
    const digest = await digestSearch(pool, version, { conversationIds: [group] });
    expect(digest.conversations).toBe(1);
    expect(await digestSearch(pool, version, { conversationIds: [group] })).toEqual(digest);
  });
});
