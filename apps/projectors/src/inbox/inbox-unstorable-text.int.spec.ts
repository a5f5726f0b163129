import { randomUUID } from 'node:crypto';
import {
  createDeadLetterPublisher,
  createEventAppender,
  createEventCodec,
  type ConversationEvent,
} from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { groupCreated, messageSent } from '@chat/domain/testing';
import { createPgPool } from '@chat/storage';
import {
  inboxSchemaOf,
  InboxStore,
  listParked,
  PROJECTIONS,
  versionKey,
  viewVersions,
} from '@chat/views';
import { createPostgresProjectionRunner } from '../runtime/postgres-projection-runner';
import { inboxProjection } from './inbox-projection';

/**
 * Text Avro and Cassandra hold but Postgres `text` refuses (U+0000), appended straight to the
 * log as a client bypassing the API could: the inbox must number it as the timeline does.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('inbox-unstorable-text');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 4 });
const appender = createEventAppender({ kafka, codec, logger });
const version = 100000 + Math.floor(Math.random() * 1000000);
const schema = inboxSchemaOf(version);
const key = versionKey('inbox', version);
const run = randomUUID().slice(0, 8);
const group = `group-${randomUUID()}`;

const runner = createPostgresProjectionRunner({
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
  await runner.stop();
  await appender.disconnect();
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.query('DELETE FROM projection_versions WHERE version = $1', [version]);
  await pool.query('DELETE FROM projection_positions WHERE projection = $1', [key]);
  await pool.query('DELETE FROM projection_parked WHERE projection = $1', [key]);
  await pool.end();
});

describe('the inbox meeting text Postgres cannot store', () => {
  it('applies a group title and message bodies with U+0000, numbering them as the log does', async () => {
    await appender.append([
      { ...groupCreated('alice', ['bob'], group), title: 'Team\u0000A' } as ConversationEvent,
      { ...messageSent('alice', `${run}-m1`, group), body: 'a\u0000b' } as ConversationEvent,
      messageSent('bob', `${run}-m2`, group),
      { ...messageSent('bob', `${run}-m3`, group), body: '\u0000' } as ConversationEvent,
    ]);
    await runner.start();
    const store = new InboxStore(pool, schema);
    const [conversation] = await waitFor(
      'the group to reach seq 4',
      async () => {
        const rows = await store.conversations([group]);
        return rows[0]?.state.lastSeq === 4 ? rows : undefined;
      },
      { timeoutMs: 120000 },
    );
    expect(conversation!.state.title).toBe('Team\uFFFDA');
    expect(conversation!.lastMessagePreview).toBe('\uFFFD');
    const facts = await store.messages([
      [group, `${run}-m1`],
      [group, `${run}-m2`],
      [group, `${run}-m3`],
    ]);
    expect(facts.map((m) => [m.messageId, m.seq]).sort()).toEqual([
      [`${run}-m1`, 2],
      [`${run}-m2`, 3],
      [`${run}-m3`, 4],
    ]);
    expect(await listParked(pool, key)).toEqual([]);
  }, 150000);
});
