import { PROJECTIONS, versionKey } from '../projection-names';
import { cassandraOf, type VersionStorage } from '../versions/version-storage';

/** Items per Cassandra partition of a timeline: a conversation's partitions stay bounded. */
export const TIMELINE_BUCKET_SIZE = 1000;

export const bucketOf = (seq: number) => Math.floor(seq / TIMELINE_BUCKET_SIZE);

/** Changes per Cassandra partition of a change log, bounded like the items. */
export const CHANGE_BUCKET_SIZE = 1000;

export const changeBucketOf = (cs: number) => Math.floor(cs / CHANGE_BUCKET_SIZE);

/** Fully qualified names of one timeline version's tables. */
export interface TimelineTables {
  keyspace: string;
  /** The timeline: one row per seq, newest first, partitioned by (conversation, bucket). */
  items: string;
  /**
   * What the rules need of a message: its seq, author, and when it was sent and deleted. A
   * message whose id is not the one derived from its sender and client message id (only a
   * producer other than the command API writes such ids) also gets an alias row under the
   * derived id, so one lookup by id finds a duplicate either way.
   */
  messages: string;
  /** Each conversation's state (members, last seq) and the offset it reflects. */
  conversations: string;
  /** Events the rules forbade at their position, with the reason. */
  ignored: string;
  /**
   * Every change clients see, by its cs, partitioned by (conversation, bucket of cs): what it
   * is, the offset of its event, the item it makes or changes, and the user it is about. The
   * content is never copied here: it is read from the item, so a delete leaves no trace of it.
   */
  changes: string;
  /**
   * Membership spans per conversation: each time a user was a member, from the change that
   * added them (its cs and seq) to the change that removed them. What resume and sync
   * authorize by, at the same position they read the changes at.
   */
  memberSpans: string;
  /** The same spans per user, clustered by conversation id: a stable keyset to walk. */
  userSpans: string;
  /**
   * Every edit and reaction of an item by its cs, partitioned like the items: what folds an
   * item back to how it was at a cs, for a reader whose membership ended there. A delete for
   * everyone removes an item's revisions with its content.
   */
  revisions: string;
}

export function timelineTablesOf(keyspace: string, version: number): TimelineTables {
  const suffix = versionKey(PROJECTIONS.timeline, version).slice(PROJECTIONS.timeline.length);
  const table = (name: string) => `${keyspace}.timeline_${name}${suffix}`;
  return {
    keyspace,
    items: table('items'),
    messages: table('messages'),
    conversations: table('conversations'),
    ignored: table('ignored'),
    changes: table('changes'),
    memberSpans: table('member_spans'),
    userSpans: table('user_spans'),
    revisions: table('revisions'),
  };
}

/**
 * Every write to these tables carries the Kafka offset of the event behind it as its write
 * timestamp (USING TIMESTAMP). Cassandra keeps the cell with the highest timestamp, so writes
 * land in any order, a replay after a crash rewrites the same cells without undoing later
 * ones (a replayed send never resurrects a deleted body), and two instances racing on one
 * partition converge. Never write these tables without such a timestamp: a wall-clock one
 * would shadow every later offset.
 */
function ddl(t: TimelineTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.items} (
      conversation_id text,
      bucket int,
      seq bigint,
      item_kind text,
      event_type text,
      message_id text,
      actor_id text,
      kind text,
      body text,
      ciphertext_algorithm text,
      ciphertext blob,
      media text,
      reply_to text,
      notice text,
      occurred_at timestamp,
      edited_at timestamp,
      deleted boolean,
      deleted_by text,
      reactions set<text>,
      PRIMARY KEY ((conversation_id, bucket), seq)
    ) WITH CLUSTERING ORDER BY (seq DESC)`,
    // The cs of the change that made the item: where a device without a cursor resumes.
    `ALTER TABLE ${t.items} ADD IF NOT EXISTS cs bigint`,
    // An edit leaves the content as sent in place and sets these beside it, so the item can be
    // shown as it was before (see item-visibility); revised_cs is the cs of the newest edit or
    // reaction, so a reader knows when the item as it is now is the one to show.
    `ALTER TABLE ${t.items} ADD IF NOT EXISTS edited_body text`,
    `ALTER TABLE ${t.items} ADD IF NOT EXISTS edited_ciphertext_algorithm text`,
    `ALTER TABLE ${t.items} ADD IF NOT EXISTS edited_ciphertext blob`,
    `ALTER TABLE ${t.items} ADD IF NOT EXISTS revised_cs bigint`,
    // Each member's one reaction, keyed by member: an add overwrites their slot and a removal
    // deletes it, each at the event's offset, so the row holds at most one per member in any
    // order of replay. `reactions` holds what rows written before kept, one element per
    // (emoji, member) pair; readers fold it under this map.
    `ALTER TABLE ${t.items} ADD IF NOT EXISTS member_reactions map<text, text>`,
    `CREATE TABLE IF NOT EXISTS ${t.messages} (
      conversation_id text,
      message_id text,
      seq bigint,
      sender_id text,
      client_message_id text,
      alias_of text,
      sent_offset bigint,
      deleted_offset bigint,
      PRIMARY KEY ((conversation_id, message_id))
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.conversations} (
      conversation_id text PRIMARY KEY,
      state text,
      applied_through bigint
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.ignored} (
      conversation_id text,
      partition int,
      offset bigint,
      event_id text,
      event_type text,
      reason text,
      detail text,
      PRIMARY KEY ((conversation_id), partition, offset)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.changes} (
      conversation_id text,
      bucket int,
      cs bigint,
      offset bigint,
      kind text,
      event_type text,
      seq bigint,
      user_id text,
      emoji text,
      present boolean,
      receipt text,
      up_to_seq bigint,
      device_id text,
      PRIMARY KEY ((conversation_id, bucket), cs)
    ) WITH CLUSTERING ORDER BY (cs ASC)`,
    `CREATE TABLE IF NOT EXISTS ${t.memberSpans} (
      conversation_id text,
      user_id text,
      joined_seq bigint,
      joined_cs bigint,
      left_cs bigint,
      PRIMARY KEY ((conversation_id), user_id, joined_seq)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.userSpans} (
      user_id text,
      conversation_id text,
      joined_seq bigint,
      joined_cs bigint,
      left_cs bigint,
      PRIMARY KEY ((user_id), conversation_id, joined_seq)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.revisions} (
      conversation_id text,
      bucket int,
      seq bigint,
      cs bigint,
      kind text,
      body text,
      ciphertext_algorithm text,
      ciphertext blob,
      edited_at timestamp,
      emoji text,
      user_id text,
      present boolean,
      PRIMARY KEY ((conversation_id, bucket), seq, cs)
    )`,
  ];
}

/**
 * Where a timeline version lives: its Cassandra tables. Schema changes go one at a time:
 * concurrent DDL confuses Cassandra's schema agreement.
 */
export const timelineStorage: VersionStorage = {
  async create(stores, version) {
    const { cassandra, keyspace } = cassandraOf(stores);
    for (const statement of ddl(timelineTablesOf(keyspace, version))) {
      await cassandra.execute(statement);
    }
  },
  async remove(stores, version) {
    const { cassandra, keyspace } = cassandraOf(stores);
    const tables = timelineTablesOf(keyspace, version);
    const names = Object.entries(tables).filter(([field]) => field !== 'keyspace');
    for (const [, table] of names) {
      await cassandra.execute(`DROP TABLE IF EXISTS ${table}`);
    }
    await cassandra.execute(
      `DELETE FROM ${keyspace}.projection_positions WHERE projection = ?`,
      [versionKey(PROJECTIONS.timeline, version)],
      { prepare: true },
    );
  },
};
