import { ignoredEventsTable } from '../ignored-events-table';
import { PROJECTIONS, versionKey } from '../projection-names';
import { postgresSchemaStorage } from '../versions/postgres-schema-storage';
import type { VersionStorage } from '../versions/version-storage';

export const searchSchemaOf = (version: number) => versionKey(PROJECTIONS.search, version);

/**
 * The text search configuration of the index and of queries: `simple` (lower-cased words, no
 * stemming, no stop words) because messages are in any language; one constant so that index and
 * query always agree.
 */
export const SEARCH_CONFIG = 'simple';

/** The tables of one search version, all in schema `search_v<N>`. */
function ddl(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    // The ledger's state per conversation (the timeline's serialization), so this projection
    // folds from its own store and decides exactly as every other projection.
    `CREATE TABLE IF NOT EXISTS ${schema}.conversations (
      conversation_id text PRIMARY KEY,
      state text NOT NULL,
      last_seq bigint NOT NULL,
      last_cs bigint NOT NULL
    )`,
    // Every message the ledger knows (its facts), and for plaintext ones the indexed body.
    // Ciphertext-only and deleted messages keep body and document NULL: never indexed.
    `CREATE TABLE IF NOT EXISTS ${schema}.messages (
      conversation_id text NOT NULL,
      message_id text NOT NULL,
      seq bigint NOT NULL,
      sender_id text NOT NULL,
      client_message_id text NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      sent_at timestamptz NOT NULL,
      body text,
      document tsvector,
      PRIMARY KEY (conversation_id, message_id),
      UNIQUE (conversation_id, sender_id, client_message_id)
    )`,
    `CREATE INDEX IF NOT EXISTS messages_document ON ${schema}.messages USING gin (document)
      WHERE document IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS messages_by_seq ON ${schema}.messages (conversation_id, seq)`,
    // Membership spans: a member reads from joined_seq; removed_seq closes the span.
    `CREATE TABLE IF NOT EXISTS ${schema}.member_spans (
      conversation_id text NOT NULL,
      user_id text NOT NULL,
      joined_seq bigint NOT NULL,
      removed_seq bigint,
      PRIMARY KEY (conversation_id, user_id, joined_seq)
    )`,
    `CREATE INDEX IF NOT EXISTS member_spans_open ON ${schema}.member_spans (user_id)
      WHERE removed_seq IS NULL`,
    ignoredEventsTable(schema),
  ];
}

/** Where a search version lives: schema `search_v<N>`. */
export const searchStorage: VersionStorage = postgresSchemaStorage(PROJECTIONS.search, ddl);
