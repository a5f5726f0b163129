import { createDeadLetterPublisher, createEventAppender, createEventCodec } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import {
  directCreated,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageSent,
  messagesRead,
} from '@chat/domain/testing';
import { createPgPool } from '@chat/storage';
import { inboxSchemaOf, InboxStore, PROJECTIONS, versionKey, viewVersions } from '@chat/views';
import { randomUUID } from 'node:crypto';
import { createPostgresProjectionRunner } from '../runtime/postgres-projection-runner';
import { inboxProjection } from './inbox-projection';

const { config, logger, kafka, registryUrl } = eventLogFixture('inbox-projection');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config);
const appender = createEventAppender({ kafka, codec, logger });
// A version of its own: fresh tables and a fresh consumer group, the way a rebuild runs.
const version = 100000 + Math.floor(Math.random() * 1000000);
const schema = inboxSchemaOf(version);
// Message ids are global: every run needs its own.
const run = randomUUID().slice(0, 8);

const runner = () =>
  createPostgresProjectionRunner({
    kafka,
    codec,
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    pool,
    logger,
    projection: inboxProjection(version),
  });

beforeAll(async () => {
  await viewVersions(PROJECTIONS.inbox, { pool }).create(version);
  await appender.connect();
});

afterAll(async () => {
  await appender.disconnect();
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.query('DELETE FROM projection_versions WHERE version = $1', [version]);
  await pool.query('DELETE FROM projection_positions WHERE projection = $1', [
    versionKey('inbox', version),
  ]);
  await pool.end();
});

const members = async (conversationId: string) =>
  (
    await pool.query(
      `SELECT user_id, role, joined_seq::int, read_seq::int, delivered_seq::int
       FROM ${schema}.memberships WHERE conversation_id = $1 ORDER BY user_id`,
      [conversationId],
    )
  ).rows;

describe('the inbox projection', () => {
  const group = `group-${randomUUID()}`;
  const direct = `direct-${randomUUID()}`;
  const projector = runner();

  beforeAll(async () => {
    await appender.append([
      groupCreated('alice', ['bob'], group), // seq 1
      messageSent('alice', `${run}-g-m1`, group), // seq 2
      messageSent('alice', `${run}-g-m2`, group), // seq 3
      messageSent('bob', `${run}-g-m3`, group), // seq 4: bob has read up to 4 by sending
      messagesRead('alice', 3, group),
      memberAdded('carol', 'alice', 'MEMBER', group), // seq 5
      memberRemoved('bob', 'alice', group), // seq 6
      messageSent('bob', `${run}-g-late`, group), // after his removal: ignored
      messageSent('alice', `${run}-g-m1`, group), // a duplicate: ignored
      messageSent('carol', `${run}-g-m4`, group), // seq 7
      messageDeleted(`${run}-g-m4`, 'carol', group),
      messagesRead('carol', 99, group), // clamped to 7
      directCreated('dave', 'erin', direct), // seq 1
      messageSent('dave', `${run}-d-m1`, direct), // seq 2
    ]);
    await projector.start();
    await waitFor(
      'both conversations to be projected',
      async () => {
        const { rows } = await pool.query(
          `SELECT 1 FROM ${schema}.messages WHERE message_id = $1 OR (message_id = $2 AND deleted)`,
          [`${run}-d-m1`, `${run}-g-m4`],
        );
        return rows.length === 2 ? true : undefined;
        // A fresh version reads the whole log from offset 0, like a rebuild.
      },
      { timeoutMs: 180000 },
    );
  }, 200000);

  afterAll(() => projector.stop());

  it('numbers the group timeline 1..7 and keeps the last message and activity', async () => {
    const [conversation] = await new InboxStore(pool, schema).conversations([group]);
    expect(conversation?.state.lastSeq).toBe(7);
    expect(conversation?.lastMessageId).toBe(`${run}-g-m4`);
    expect(conversation?.lastMessagePreview).toBe('This message was deleted');
  });

  it('keeps members with cumulative cursors: unread = last seq - read seq', async () => {
    expect(await members(group)).toEqual([
      // alice read up to 3 herself, then added carol (5) and removed bob (6): her own acts.
      { user_id: 'alice', role: 'ADMIN', joined_seq: 1, read_seq: 6, delivered_seq: 6 },
      // carol joined at 5, sent 7 and read "up to 99", which is up to 7.
      { user_id: 'carol', role: 'MEMBER', joined_seq: 5, read_seq: 7, delivered_seq: 7 },
    ]);
  });

  it('ignores a send after the sender was removed, and a duplicate, and records why', async () => {
    const { rows } = await pool.query(
      `SELECT event_type, reason FROM ${schema}.ignored_events WHERE conversation_id = $1 ORDER BY "offset"`,
      [group],
    );
    expect(rows).toEqual([
      { event_type: 'MessageSent', reason: 'not-a-member' },
      { event_type: 'MessageSent', reason: 'duplicate-message' },
    ]);
    const facts = await new InboxStore(pool, schema).messages([
      [group, `${run}-g-late`],
      [group, `${run}-g-m1`],
      [group, `${run}-g-m4`],
    ]);
    expect(facts.map((m) => [m.messageId, m.seq, m.deleted]).sort()).toEqual([
      [`${run}-g-m1`, 2, false],
      [`${run}-g-m4`, 7, true],
    ]);
  });

  it('makes a direct message unread for the recipient only', async () => {
    expect(await members(direct)).toEqual([
      { user_id: 'dave', role: 'MEMBER', joined_seq: 1, read_seq: 2, delivered_seq: 2 },
      { user_id: 'erin', role: 'MEMBER', joined_seq: 1, read_seq: 1, delivered_seq: 1 },
    ]);
  });

  it('changes nothing when the same events are applied again', async () => {
    const before = { members: await members(group), conversation: await conversationRow(group) };
    const again = [messageSent('carol', `${run}-g-m4`, group), messagesRead('carol', 7, group)];
    const client = await pool.connect();
    try {
      await inboxProjection(version).apply(
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
    expect(await members(group)).toEqual(before.members);
    expect(await conversationRow(group)).toEqual(before.conversation);
  });
});

async function conversationRow(conversationId: string) {
  const { rows } = await pool.query(
    `SELECT * FROM ${schema}.conversations WHERE conversation_id = $1`,
    [conversationId],
  );
  return rows[0];
}
