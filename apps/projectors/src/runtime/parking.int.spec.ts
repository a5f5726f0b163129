import { randomUUID } from 'node:crypto';
import {
  createDeadLetterPublisher,
  createEventAppender,
  createEventCodec,
  createLogAdmin,
  TOPICS,
  type ConversationEvent,
} from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { directCreated, groupCreated, messageSent } from '@chat/domain/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import {
  digestInbox,
  inboxSchemaOf,
  InboxStore,
  listParked,
  positionsOf,
  PROJECTIONS,
  requestResume,
  versionKey,
  viewVersions,
} from '@chat/views';
import { inboxProjection } from '../inbox/inbox-projection';
import { createPostgresProjectionRunner } from './postgres-projection-runner';
import { projectionMetrics } from './projection-metrics';

/**
 * A store refusing one conversation's event parks that conversation in that projection: the
 * partition and the other conversations go on; with the refusal fixed, a restart resumes it by
 * itself, and the view is the one a clean rebuild makes.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('parking');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 6 });
const cassandra = createCassandraClient(config);
const stores = { pool, cassandra, keyspace: config.cassandra.keyspace };
const appender = createEventAppender({ kafka, codec, logger });
const fresh = () => 100000 + Math.floor(Math.random() * 1000000);
const version = fresh();
const clean = fresh();
const key = versionKey('inbox', version);
const run = randomUUID().slice(0, 8);
const group = `group-${randomUUID()}`;
const direct = `direct-${randomUUID()}`;

// The inbox writing text as it comes: Postgres refuses U+0000 in `text`.
const asItComes = (text: string) => text;
const runner = (v: number, text?: (t: string) => string) =>
  createPostgresProjectionRunner({
    kafka,
    codec,
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    pool,
    logger,
    resumeIntervalMs: 200,
    projection: inboxProjection(v, { text }),
  });

const lastSeq = async (v: number, conversationId: string) =>
  (await new InboxStore(pool, inboxSchemaOf(v)).conversations([conversationId]))[0]?.state.lastSeq;
const untilSeq = (v: number, conversationId: string, seq: number) =>
  waitFor(
    `${conversationId} at seq ${seq} in v${v}`,
    async () => ((await lastSeq(v, conversationId)) === seq ? true : undefined),
    { timeoutMs: 120000, intervalMs: 100 },
  );
/**
 * A resume reads the held events back with a throwaway reader of the log; beside a whole test
 * suite its group join alone can take seconds, and it waits its turn behind the partition's
 * batches of a version reading the whole log.
 */
const RESUME_WAIT = { timeoutMs: 60000 };
const parkedGauge = async () =>
  (await projectionMetrics.parked.get()).values.find((v) => v.labels.projection === key)?.value;

beforeAll(async () => {
  await viewVersions(PROJECTIONS.inbox, { pool }).create(version);
  await viewVersions(PROJECTIONS.inbox, { pool }).create(clean);
  await appender.connect();
});

afterAll(async () => {
  await appender.disconnect();
  for (const v of [version, clean]) {
    await pool.query(`DROP SCHEMA ${inboxSchemaOf(v)} CASCADE`);
    await pool.query('DELETE FROM projection_versions WHERE version = $1', [v]);
    for (const table of ['projection_positions', 'projection_parked']) {
      await pool.query(`DELETE FROM ${table} WHERE projection = $1`, [versionKey('inbox', v)]);
    }
  }
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

describe('a projection whose store refuses one conversation', () => {
  it('parks it, keeps the rest flowing, and resumes it by itself once fixed', async () => {
    await appender.append([
      { ...groupCreated('alice', ['bob'], group), title: 'Team\u0000A' } as ConversationEvent,
      messageSent('alice', `${run}-g1`, group),
      directCreated('dave', 'erin', direct),
      messageSent('dave', `${run}-d1`, direct),
    ]);
    const refusing = runner(version, asItComes);
    await refusing.start();
    try {
      await untilSeq(version, direct, 2);
      // A fresh version reads the whole log: other tests' refused conversations park too.
      const parkedGroup = async () =>
        (await listParked(pool, key)).find((row) => row.conversationId === group);
      const parked = await waitFor('the group to be parked', parkedGroup);
      expect(parked).toMatchObject({ conversationId: group, topic: TOPICS.conversations });
      expect(parked!.reason).toMatch(/0x00/);
      expect(await lastSeq(version, group)).toBeUndefined();
      // Other partitions may still be parking theirs: the gauge follows the table.
      await waitFor('the gauge to count the parks', async () => {
        const count = (await listParked(pool, key)).length;
        return count > 0 && (await parkedGauge()) === count ? true : undefined;
      });

      // Later events: the group's are held, the direct conversation's applied, and the
      // parked conversation's partition moves on to the end of the log.
      await appender.append([
        messageSent('alice', `${run}-g2`, group),
        messageSent('erin', `${run}-d2`, direct),
      ]);
      await untilSeq(version, direct, 3);
      const admin = await createLogAdmin(kafka);
      const ends = await admin.partitionOffsets(TOPICS.conversations);
      await admin.disconnect();
      const end = BigInt(ends.find((e) => e.partition === parked!.partition)!.high);
      await waitFor('the parked partition to reach the end of the log', async () => {
        const positions = await positionsOf(stores, 'inbox', version, TOPICS.conversations);
        return positions.get(parked!.partition) === end ? true : undefined;
      });
      expect(await lastSeq(version, group)).toBeUndefined();

      // Asked to resume with the same code, it is refused again and stays parked.
      await requestResume(pool, key, [group]);
      const again = await waitFor(
        'the resume to be tried',
        async () => {
          const row = await parkedGroup();
          return row?.attemptedAt ? row : undefined;
        },
        RESUME_WAIT,
      );
      expect(again).toMatchObject({
        conversationId: group,
        firstHeldOffset: parked!.firstHeldOffset,
      });
      expect(await lastSeq(version, group)).toBeUndefined();
    } finally {
      await refusing.stop();
    }

    // Restarted with a mapping Postgres takes: the start resumes the group by itself.
    const fixed = runner(version);
    const rebuilt = runner(clean);
    await Promise.all([fixed.start(), rebuilt.start()]);
    try {
      await untilSeq(version, group, 3);
      await waitFor(
        'every park of the version to resume',
        async () => ((await listParked(pool, key)).length === 0 ? true : undefined),
        RESUME_WAIT,
      );
      await waitFor('the gauge to count none', async () =>
        (await parkedGauge()) === 0 ? true : undefined,
      );
      await Promise.all([untilSeq(clean, group, 3), untilSeq(clean, direct, 3)]);
      const only = { conversationIds: [group, direct] };
      const [resumed, cleanly] = await Promise.all([
        digestInbox(pool, version, only),
        digestInbox(pool, clean, only),
      ]);
      expect(resumed.perConversation).toEqual(cleanly.perConversation);
    } finally {
      await Promise.all([fixed.stop(), rebuilt.stop()]);
    }
  }, 300000);
});
