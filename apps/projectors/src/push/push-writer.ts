import type { PoolClient } from 'pg';
import type { NotificationEvent } from '@chat/events';
import { exhaustive } from '@chat/domain';
import type { TextMapping } from '../inbox/storable-text';
import type { PushChanges } from './push-changes';

/**
 * Writes a batch's push changes in the runner's transaction. Settings go one statement per
 * event, in log order (users change them rarely; a removal must meet the registration before
 * it); pending pushes in one statement. Every write is idempotent.
 */
export async function writePushChanges(
  db: PoolClient,
  schema: string,
  changes: PushChanges,
  text: TextMapping,
): Promise<void> {
  for (const event of changes.settings) await writeSetting(db, schema, event);
  await writePending(db, schema, changes, text);
  await writeEdits(db, schema, changes, text);
}

async function writePending(
  db: PoolClient,
  schema: string,
  changes: PushChanges,
  text: TextMapping,
): Promise<void> {
  if (changes.pending.length === 0) return;
  const column = <K extends keyof PushChanges['pending'][number]>(key: K) =>
    changes.pending.map((p) => p[key]);
  await db.query(
    `INSERT INTO ${schema}.pending
       (conversation_id, message_id, sender_id, partition, "offset", sent_at, preview)
     SELECT c, m, s, p, o, to_timestamp(t / 1000.0), v
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::float8[], $7::text[])
       AS u(c, m, s, p, o, t, v)
     ON CONFLICT DO NOTHING`,
    [
      column('conversationId'),
      column('messageId'),
      column('senderId'),
      column('partition'),
      column('offset'),
      column('sentAt'),
      changes.pending.map((p) => (p.preview === null ? null : text(p.preview))),
    ],
  );
}

/**
 * An edit by the author replaces the preview of a push still pending (after the sends of the
 * same batch are in), unless a later edit already did: idempotent in any replay.
 */
async function writeEdits(
  db: PoolClient,
  schema: string,
  changes: PushChanges,
  text: TextMapping,
): Promise<void> {
  if (changes.edits.length === 0) return;
  const column = <K extends keyof PushChanges['edits'][number]>(key: K) =>
    changes.edits.map((e) => e[key]);
  await db.query(
    `UPDATE ${schema}.pending p SET preview = u.v, preview_offset = u.o
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS u(c, m, e, o, v)
     WHERE p.conversation_id = u.c AND p.message_id = u.m AND p.sender_id = u.e
       AND p."offset" < u.o AND (p.preview_offset IS NULL OR p.preview_offset < u.o)`,
    [
      column('conversationId'),
      column('messageId'),
      column('editorId'),
      column('offset'),
      changes.edits.map((e) => (e.preview === null ? null : text(e.preview))),
    ],
  );
}

async function writeSetting(db: PoolClient, schema: string, event: NotificationEvent) {
  switch (event.type) {
    case 'PushSubscriptionRegistered':
      await db.query(
        `INSERT INTO ${schema}.subscriptions (user_id, device_id, endpoint, p256dh, auth)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, device_id) DO UPDATE
           SET endpoint = EXCLUDED.endpoint, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth`,
        [event.userId, event.deviceId, event.endpoint, event.p256dh, event.auth],
      );
      return;
    case 'PushSubscriptionRemoved':
      // An empty endpoint is the device's own unregistration: whatever it has. A "gone" names
      // the endpoint that failed, so a subscription registered since then stays.
      await db.query(
        `DELETE FROM ${schema}.subscriptions
         WHERE user_id = $1 AND device_id = $2 AND ($3 = '' OR endpoint = $3)`,
        [event.userId, event.deviceId, event.endpoint],
      );
      return;
    case 'ConversationMuteChanged':
      await db.query(
        event.muted
          ? `INSERT INTO ${schema}.mutes (user_id, conversation_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING`
          : `DELETE FROM ${schema}.mutes WHERE user_id = $1 AND conversation_id = $2`,
        [event.userId, event.conversationId],
      );
      return;
    default:
      exhaustive(event);
  }
}
