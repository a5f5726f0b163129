import { ignoredEventsTable } from '../ignored-events-table';
import { PROJECTIONS, versionKey } from '../projection-names';
import { postgresSchemaStorage } from '../versions/postgres-schema-storage';
import type { VersionStorage } from '../versions/version-storage';

export const inboxSchemaOf = (version: number) => versionKey(PROJECTIONS.inbox, version);

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

/** Where an inbox version lives: schema `inbox_v<N>`. */
export const inboxStorage: VersionStorage = postgresSchemaStorage(PROJECTIONS.inbox, ddl);
