import { loadConfig } from '@chat/config';
import { createPgPool } from '@chat/storage';
import { PROJECTIONS, versionKey } from '../projection-names';
import { viewVersions } from '../versions/view-versions';
import { InboxStore, type DecisionQuery } from './inbox-store';
import { inboxSchemaOf } from './inbox-tables';

const pool = createPgPool(loadConfig(), { max: 2 });
const fresh = () => 300000 + Math.floor(Math.random() * 1000000);
const version = fresh();
const schema = inboxSchemaOf(version);
const storeVersion = fresh();
const storeSchema = inboxSchemaOf(storeVersion);

afterAll(async () => {
  for (const v of [version, storeVersion]) {
    await pool.query(`DROP SCHEMA IF EXISTS ${inboxSchemaOf(v)} CASCADE`);
    await pool.query('DELETE FROM projection_versions WHERE version = $1', [v]);
    await pool.query('DELETE FROM projection_positions WHERE projection = $1', [
      versionKey('inbox', v),
    ]);
  }
  await pool.end();
});

it('gives a version made before the membership facts their columns, keeping its rows', async () => {
  // The memberships table as versions made before engaged / added_by have it.
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.memberships (
      conversation_id text NOT NULL, user_id text NOT NULL, role text NOT NULL,
      joined_seq bigint NOT NULL, read_seq bigint NOT NULL, delivered_seq bigint NOT NULL,
      PRIMARY KEY (conversation_id, user_id))`);
  await pool.query(`INSERT INTO ${schema}.memberships VALUES ('g-1', 'alice', 'ADMIN', 1, 1, 1)`);
  await viewVersions(PROJECTIONS.inbox, { pool }).create(version);
  await viewVersions(PROJECTIONS.inbox, { pool }).create(version); // and again: nothing changes
  const { rows } = await pool.query(`SELECT * FROM ${schema}.memberships`);
  expect(rows).toEqual([
    {
      conversation_id: 'g-1',
      user_id: 'alice',
      role: 'ADMIN',
      joined_seq: '1',
      read_seq: '1',
      delivered_seq: '1',
      engaged: false,
      added_by: null,
    },
  ]);
});

/**
 * Commands that arrive together are decided on one read: each must get exactly what it would
 * have got alone (its conversation, the members it asked for, its target and its duplicate).
 */
describe('decision states', () => {
  const store = new InboxStore(pool, storeSchema);

  beforeAll(async () => {
    await viewVersions(PROJECTIONS.inbox, { pool }).create(storeVersion);
    await pool.query(
      `INSERT INTO ${storeSchema}.conversations
         (conversation_id, kind, title, creator_id, created_at, last_seq, last_cs, last_activity_at)
       VALUES ('g-1', 'GROUP', 'one', 'ann', now(), 2, 3, now()),
              ('g-2', 'GROUP', 'two', 'ben', now(), 0, 1, now())`,
    );
    await pool.query(
      `INSERT INTO ${storeSchema}.memberships
         (conversation_id, user_id, role, joined_seq, read_seq, delivered_seq)
       VALUES ('g-1', 'ann', 'ADMIN', 0, 0, 0), ('g-1', 'ben', 'MEMBER', 0, 0, 0),
              ('g-1', 'cy', 'MEMBER', 1, 0, 0), ('g-2', 'ben', 'ADMIN', 0, 0, 0)`,
    );
    await pool.query(
      `INSERT INTO ${storeSchema}.messages
         (conversation_id, message_id, seq, sender_id, client_message_id, sent_at)
       VALUES ('g-1', 'm-1', 1, 'ann', 'c-1', now()), ('g-1', 'm-2', 2, 'ben', 'c-2', now())`,
    );
  });

  it('answers several commands in one read exactly as it answers each alone, in their order', async () => {
    const queries: DecisionQuery[] = [
      // A send by a member that repeats a client message id.
      {
        conversationId: 'g-1',
        memberIds: ['ann'],
        messageId: null,
        sentBy: { senderId: 'ann', clientMessageId: 'c-1' },
      },
      // An admin's command on a message, with every member.
      { conversationId: 'g-1', memberIds: null, messageId: 'm-2', sentBy: null },
      // A conversation the user is not in, and one that does not exist.
      { conversationId: 'g-2', memberIds: ['ann', 'cy'], messageId: null, sentBy: null },
      {
        conversationId: 'nowhere',
        memberIds: ['ann'],
        messageId: 'm-1',
        sentBy: { senderId: 'ann', clientMessageId: 'new' },
      },
    ];
    const together = await store.decisionStates(queries);
    const alone = [];
    for (const query of queries) alone.push(await store.decisionState(query));
    expect(together).toEqual(alone);

    expect(together[0]!.conversation?.members).toEqual(
      new Map([['ann', { role: 'ADMIN', joinedSeq: 0 }]]),
    );
    expect(together[0]!.duplicate?.messageId).toBe('m-1');
    expect([...together[1]!.conversation!.members.keys()]).toEqual(['ann', 'ben', 'cy']);
    expect(together[1]!.message?.seq).toBe(2);
    expect(together[2]!.conversation?.members.size).toBe(0);
    expect(together[3]).toEqual({ conversation: null, message: null, duplicate: null });
  });
});
