import type { Pool } from 'pg';
import type { Queryable } from './inbox-store';
import { ignoredEventsTable } from '../ignored-events-table';
import { PROJECTIONS, versionKey } from '../projection-names';
import {
  readerVersion,
  registerVersion,
  setReaderVersion,
  withVersionLock,
} from '../projection-versions';

/** Readers query this schema; its views point at the tables of the active version. */
export const INBOX_READER_SCHEMA = 'inbox';

export const inboxSchemaOf = (version: number) => versionKey(PROJECTIONS.inbox, version);

const TABLES = ['conversations', 'memberships', 'device_deliveries', 'messages'] as const;

/** The tables of one inbox version, all in schema `inbox_v<N>`. */
function ddl(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    // One row per conversation: what the inbox list shows.
    `CREATE TABLE IF NOT EXISTS ${schema}.conversations (
      conversation_id text PRIMARY KEY,
      kind text NOT NULL,
      title text,
      creator_id text NOT NULL,
      created_at timestamptz NOT NULL,
      last_seq bigint NOT NULL,
      last_cs bigint NOT NULL DEFAULT 0,
      last_message_id text,
      last_message_sender_id text,
      last_message_preview text,
      last_activity_at timestamptz NOT NULL
    )`,
    // The ledger's change sequence, so every projection folds from the same state; added to
    // versions created before it existed.
    `ALTER TABLE ${schema}.conversations ADD COLUMN IF NOT EXISTS last_cs bigint NOT NULL DEFAULT 0`,
    // Current members. Cursors are cumulative: read and delivered only move forward.
    `CREATE TABLE IF NOT EXISTS ${schema}.memberships (
      conversation_id text NOT NULL,
      user_id text NOT NULL,
      role text NOT NULL,
      joined_seq bigint NOT NULL,
      read_seq bigint NOT NULL,
      delivered_seq bigint NOT NULL,
      engaged boolean NOT NULL DEFAULT false,
      added_by text,
      PRIMARY KEY (conversation_id, user_id)
    )`,
    `CREATE INDEX IF NOT EXISTS memberships_by_user ON ${schema}.memberships (user_id)`,
    // engaged / added_by: what the member took part in, for presence and typing
    // (PresenceAudience). Added to versions made before these columns, only when missing: an
    // ALTER takes the table's strongest lock, which a running projector of the version holds
    // against. Rebuild such a version to fill them (until then nobody counts as engaged).
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = '${schema}'
                        AND table_name = 'memberships' AND column_name = 'engaged') THEN
         ALTER TABLE ${schema}.memberships
           ADD COLUMN engaged boolean NOT NULL DEFAULT false, ADD COLUMN added_by text;
       END IF;
     END $$`,
    `CREATE TABLE IF NOT EXISTS ${schema}.device_deliveries (
      conversation_id text NOT NULL,
      user_id text NOT NULL,
      device_id text NOT NULL,
      delivered_seq bigint NOT NULL,
      PRIMARY KEY (conversation_id, user_id, device_id)
    )`,
    // What decisions and receipts need of a message; bodies live in the Cassandra timeline.
    // A message is identified within its conversation, like everything the ledger compares.
    `CREATE TABLE IF NOT EXISTS ${schema}.messages (
      conversation_id text NOT NULL,
      message_id text NOT NULL,
      seq bigint NOT NULL,
      sender_id text NOT NULL,
      client_message_id text NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      sent_at timestamptz NOT NULL,
      PRIMARY KEY (conversation_id, message_id),
      -- One B-tree for both lookups by client message id: the ledger's within a conversation,
      -- and the command API's across them (it refuses an id reused in another conversation).
      UNIQUE (sender_id, client_message_id, conversation_id)
    )`,
    // Events the log holds but the rules forbade at their position, with the reason.
    ignoredEventsTable(schema),
  ];
}

/** Creates the tables of an inbox version (idempotent) and registers the version. */
export async function ensureInboxVersion(pool: Pool, version: number): Promise<void> {
  await withVersionLock(pool, async (client) => {
    for (const statement of ddl(inboxSchemaOf(version))) await client.query(statement);
    await registerVersion(client, PROJECTIONS.inbox, version);
  });
}

/**
 * Points readers at a version: the reader views and the readers row change in one
 * transaction, so every query sees either the old version or the new one, never a mix.
 */
export async function activateInboxVersion(pool: Pool, version: number): Promise<void> {
  await withVersionLock(pool, async (client) => {
    await pointReaderViews(client, version);
    await setReaderVersion(client, PROJECTIONS.inbox, version);
  });
}

/** (Re)creates the reader views over a version's tables, taking in columns added since. */
async function pointReaderViews(client: Queryable, version: number): Promise<void> {
  const schema = inboxSchemaOf(version);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${INBOX_READER_SCHEMA}`);
  for (const table of TABLES) {
    await client.query(
      `CREATE OR REPLACE VIEW ${INBOX_READER_SCHEMA}.${table} AS SELECT * FROM ${schema}.${table}`,
    );
  }
}

/** First start: version 1 exists and readers use it. Later starts change nothing. */
export async function ensureInboxReadable(pool: Pool): Promise<number> {
  const current = await readerVersion(pool, PROJECTIONS.inbox);
  if (current !== undefined) {
    await ensureInboxVersion(pool, current);
    // Views made before columns were added do not show them: point them again, once.
    const { rows } = await pool.query(
      `SELECT 1 FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'memberships' AND column_name = 'engaged'`,
      [INBOX_READER_SCHEMA],
    );
    if (rows.length === 0)
      await withVersionLock(pool, (client) => pointReaderViews(client, current));
    return current;
  }
  await ensureInboxVersion(pool, 1);
  await activateInboxVersion(pool, 1);
  return 1;
}
