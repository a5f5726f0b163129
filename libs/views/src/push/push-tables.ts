import { PROJECTIONS, versionKey } from '../projection-names';
import { postgresSchemaStorage } from '../versions/postgres-schema-storage';
import type { VersionStorage } from '../versions/version-storage';

export const pushSchemaOf = (version: number) => versionKey(PROJECTIONS.push, version);

/**
 * The push ledger: one row per (message, device) the notifier ever decided, with what it
 * decided. Deliberately outside every version's schema: a rebuild of the push projection, a
 * replay or a second version running beside the first finds the decisions already made here,
 * so no message is pushed to a device twice. Keyed by message id, not event id: a send that
 * reached the log twice (a retried append) is one message and one push.
 */
export const PUSH_LEDGER_TABLE = 'push_ledger';

const ledgerDdl = `CREATE TABLE IF NOT EXISTS ${PUSH_LEDGER_TABLE} (
  conversation_id text NOT NULL,
  message_id text NOT NULL,
  device_user_id text NOT NULL,
  device_id text NOT NULL,
  outcome text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  finished_at timestamptz,
  detail text,
  PRIMARY KEY (conversation_id, message_id, device_user_id, device_id)
)`;
const ledgerByTime = `CREATE INDEX IF NOT EXISTS push_ledger_by_time ON ${PUSH_LEDGER_TABLE} (decided_at)`;

/** The tables of one push version, all in schema `push_v<N>`. */
function ddl(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    // One Web Push subscription per device; a newer registration replaces it.
    `CREATE TABLE IF NOT EXISTS ${schema}.subscriptions (
      user_id text NOT NULL,
      device_id text NOT NULL,
      endpoint text NOT NULL,
      p256dh text NOT NULL,
      auth text NOT NULL,
      PRIMARY KEY (user_id, device_id)
    )`,
    // A row is a mute; unmuting deletes it.
    `CREATE TABLE IF NOT EXISTS ${schema}.mutes (
      user_id text NOT NULL,
      conversation_id text NOT NULL,
      PRIMARY KEY (user_id, conversation_id)
    )`,
    // Messages waiting for their due time (sent at + the window, a setting of the notifier, so
    // not stored), then decided and deleted. Where the send is in the log, so the dispatcher
    // can wait for the inbox to have judged it.
    `CREATE TABLE IF NOT EXISTS ${schema}.pending (
      conversation_id text NOT NULL,
      message_id text NOT NULL,
      sender_id text NOT NULL,
      partition int NOT NULL,
      "offset" bigint NOT NULL,
      sent_at timestamptz NOT NULL,
      preview text,
      PRIMARY KEY (conversation_id, message_id)
    )`,
    `CREATE INDEX IF NOT EXISTS pending_by_time ON ${schema}.pending (sent_at)`,
    // The offset of the author's edit the preview is from (null: as sent), so the dispatcher
    // pushes only once the inbox has judged that edit too, and never an edit it refused.
    `ALTER TABLE ${schema}.pending ADD COLUMN IF NOT EXISTS preview_offset bigint`,
    ledgerDdl,
    ledgerByTime,
  ];
}

/** Where a push version lives: schema `push_v<N>`. */
export const pushStorage: VersionStorage = postgresSchemaStorage(PROJECTIONS.push, ddl);
