import { randomUUID } from 'node:crypto';
import {
  directCreated,
  groupCreated,
  memberAdded,
  memberRemoved,
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
import { inboxProjection } from '../../../../apps/projectors/src/inbox/inbox-projection';
import { createPostgresProjectionRunner } from '../../../../apps/projectors/src/runtime/postgres-projection-runner';
import { inboxSchemaOf } from '../inbox/inbox-tables';
import { PROJECTIONS, versionKey } from '../projection-names';
import { viewVersions } from '../versions/view-versions';
import { PresenceAudience } from './presence-audience';

/**
 * Who sees whose presence and typing, over inbox versions the real projection builds from a
 * scripted log: only members of a conversation the target took part in.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('presence-audience');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 4 });
const appender = createEventAppender({ kafka, codec, logger });
const run = randomUUID().slice(0, 8);
const [alice, bob, carol, mallory, tina] = ['alice', 'bob', 'carol', 'mallory', 'tina'].map(
  (name) => `${name}-${run}`,
) as [string, string, string, string, string];
const cold = `direct-cold-${run}`;
const friends = `direct-friends-${run}`;
const group = `group-${run}`;
// Versions of their own: fresh tables and consumer groups, the way a rebuild runs.
const versions = [0, 1].map(() => 200000 + Math.floor(Math.random() * 1000000));
const runners = versions.map((version) =>
  createPostgresProjectionRunner({
    kafka,
    codec,
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    pool,
    logger,
    projection: inboxProjection(version),
  }),
);
const audience = new PresenceAudience(pool, inboxSchemaOf(versions[0]!));

/** Appends, then waits until the first version has each conversation at its last seq. */
async function project(events: ConversationEvent[], lastSeqs: Record<string, number>) {
  await appender.append(events);
  await waitFor(
    'the inbox to apply the events',
    async () => {
      const { rows } = await pool.query<{ conversation_id: string; last_seq: string }>(
        `SELECT conversation_id, last_seq FROM ${inboxSchemaOf(versions[0]!)}.conversations
          WHERE conversation_id = ANY($1)`,
        [Object.keys(lastSeqs)],
      );
      const applied = rows.filter((r) => Number(r.last_seq) === lastSeqs[r.conversation_id]);
      return applied.length === Object.keys(lastSeqs).length ? true : undefined;
    },
    { timeoutMs: 180000 },
  );
}

const sees = async (viewer: string, target: string) =>
  (await audience.visible([[viewer, target]])).has(viewer, target);

beforeAll(async () => {
  for (const version of versions) await viewVersions(PROJECTIONS.inbox, { pool }).create(version);
  await appender.connect();
  await runners[0]!.start();
}, 60000);

afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await appender.disconnect();
  for (const version of versions) {
    await pool.query(`DROP SCHEMA IF EXISTS ${inboxSchemaOf(version)} CASCADE`);
    await pool.query('DELETE FROM projection_versions WHERE version = $1', [version]);
    await pool.query('DELETE FROM projection_positions WHERE projection = $1', [
      versionKey('inbox', version),
    ]);
  }
  await pool.end();
});

describe('presence and typing', () => {
  beforeAll(async () => {
    await project(
      [
        directCreated(mallory, tina, cold), // mallory opens a conversation tina never answers
        directCreated(alice, bob, friends),
        messageSent(bob, `friends-1-${run}`, friends), // bob took part: he answered alice
        groupCreated(alice, [carol], group), // carol: added by alice, with whom she shares nothing
        memberAdded(bob, alice, 'MEMBER', group), // bob: added by alice, whom he answered
      ],
      { [cold]: 1, [friends]: 2, [group]: 2 },
    );
  }, 200000);

  it('shows nothing of someone who only had a conversation opened with them', async () => {
    expect(await sees(mallory, tina)).toBe(false);
    // The one who opened it took part: the other side may see them.
    expect(await sees(tina, mallory)).toBe(true);
  });

  it('shows a member added to a group by someone they took part in a conversation with', async () => {
    expect(await sees(carol, bob)).toBe(true);
    expect(await sees(alice, bob)).toBe(true);
    // carol took part in nothing, and alice (who added her) shares nothing carol took part in.
    expect(await sees(alice, carol)).toBe(false);
    expect(await sees(bob, carol)).toBe(false);
    expect(await sees(carol, alice)).toBe(true);
    expect(await sees(carol, carol)).toBe(true);
  });

  it('sends typing only to the members who may see the typist', async () => {
    expect((await audience.typingAudience(alice, group))?.sort()).toEqual([bob, carol].sort());
    expect(await audience.typingAudience(carol, group)).toEqual([]);
    expect(await audience.typingAudience(tina, cold)).toEqual([]);
    expect(await audience.typingAudience(mallory, cold)).toEqual([tina]);
    expect(await audience.typingAudience(mallory, group)).toBeNull();
  });

  it('shows someone once they answer, and no longer once the conversation is not shared', async () => {
    await project([messageSent(tina, `cold-1-${run}`, cold), memberRemoved(bob, alice, group)], {
      [cold]: 2,
      [group]: 3,
    });
    expect(await sees(mallory, tina)).toBe(true);
    // bob is no longer in the group: carol shares nothing with him.
    expect(await sees(carol, bob)).toBe(false);
    expect(await sees(bob, carol)).toBe(false);
  });

  it('writes the same membership facts when the log is projected again', async () => {
    await runners[1]!.start();
    const facts = async (version: number) =>
      (
        await pool.query(
          `SELECT conversation_id, user_id, engaged, added_by FROM ${inboxSchemaOf(version)}.memberships
            WHERE conversation_id = ANY($1) ORDER BY conversation_id, user_id`,
          [[cold, friends, group]],
        )
      ).rows;
    const first = await facts(versions[0]!);
    expect(first).toContainEqual({
      conversation_id: group,
      user_id: carol,
      engaged: false,
      added_by: alice,
    });
    await waitFor(
      'the second version to catch up',
      async () => {
        const again = await facts(versions[1]!);
        return JSON.stringify(again) === JSON.stringify(first) ? true : undefined;
      },
      { timeoutMs: 180000 },
    );
  }, 200000);
});
