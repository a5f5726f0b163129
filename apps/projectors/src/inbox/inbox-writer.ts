import { preparedQuery, writeIf, writeTogether } from '@chat/storage';
import type { PoolClient } from 'pg';
import { ignoredEventsWrite } from '../runtime/ignored-events';
import type { InboxChanges } from './inbox-changes';
import { storableText, type TextMapping } from './storable-text';

/**
 * Writes a batch's changes, one write per table (arrays unnested server-side). The inserts and
 * upserts go as one statement (different tables: see writeTogether); a member's removal goes
 * before it (removed and added again in one batch: deleted, then inserted), a delete for
 * everyone after it (sent and deleted in one batch: inserted, then marked). Every write is
 * idempotent as well: cursors keep the larger value, inserts ignore rows that exist, so even a
 * batch applied twice leaves the same rows. Free text goes through `text`, so the inbox holds
 * whatever the log holds.
 */
export async function writeInboxChanges(
  db: PoolClient,
  schema: string,
  changes: InboxChanges,
  text: TextMapping = storableText,
): Promise<void> {
  const orNull = (value: string | null) => (value === null ? null : text(value));

  const removed = changes.removedMembers;
  if (removed.length > 0) {
    for (const table of ['memberships', 'device_deliveries']) {
      await preparedQuery(
        db,
        `DELETE FROM ${schema}.${table} WHERE (conversation_id, user_id) IN
           (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [removed.map((r) => r.conversationId), removed.map((r) => r.userId)],
      );
    }
  }

  const c = changes.conversations;
  const conversations = writeIf(c, () => ({
    text: `INSERT INTO ${schema}.conversations AS t (conversation_id, kind, title, creator_id, created_at,
         last_seq, last_message_id, last_message_sender_id, last_message_preview, last_activity_at,
         last_cs)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
         $6::bigint[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::bigint[])
       ON CONFLICT (conversation_id) DO UPDATE SET
         last_seq = EXCLUDED.last_seq, last_cs = EXCLUDED.last_cs, last_message_id = EXCLUDED.last_message_id,
         last_message_sender_id = EXCLUDED.last_message_sender_id,
         last_message_preview = EXCLUDED.last_message_preview,
         last_activity_at = EXCLUDED.last_activity_at
       WHERE t.last_seq <= EXCLUDED.last_seq AND t.last_cs <= EXCLUDED.last_cs`,
    values: [
      c.map((x) => x.state.conversationId),
      c.map((x) => x.state.kind),
      c.map((x) => orNull(x.state.title)),
      c.map((x) => x.creatorId),
      c.map((x) => x.createdAt),
      c.map((x) => x.state.lastSeq),
      c.map((x) => x.lastMessageId),
      c.map((x) => x.lastMessageSenderId),
      c.map((x) => orNull(x.lastMessagePreview)),
      c.map((x) => x.lastActivityAt),
      c.map((x) => x.state.lastCs),
    ],
  }));

  const m = changes.memberships;
  // A member re-added since the stored row (another joined_seq) starts from the new cursors
  // and facts; otherwise facts only accumulate (engaged stays, the adder is kept).
  const memberships = writeIf(m, () => ({
    text: `INSERT INTO ${schema}.memberships AS t
         (conversation_id, user_id, role, joined_seq, read_seq, delivered_seq, engaged, added_by)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
         $7::boolean[], $8::text[])
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET
         role = EXCLUDED.role,
         joined_seq = EXCLUDED.joined_seq,
         read_seq = CASE WHEN t.joined_seq = EXCLUDED.joined_seq
           THEN GREATEST(t.read_seq, EXCLUDED.read_seq) ELSE EXCLUDED.read_seq END,
         delivered_seq = CASE WHEN t.joined_seq = EXCLUDED.joined_seq
           THEN GREATEST(t.delivered_seq, EXCLUDED.delivered_seq) ELSE EXCLUDED.delivered_seq END,
         engaged = CASE WHEN t.joined_seq = EXCLUDED.joined_seq
           THEN t.engaged OR EXCLUDED.engaged ELSE EXCLUDED.engaged END,
         added_by = CASE WHEN t.joined_seq = EXCLUDED.joined_seq
           THEN COALESCE(t.added_by, EXCLUDED.added_by) ELSE EXCLUDED.added_by END`,
    values: [
      m.map((x) => x.conversationId),
      m.map((x) => x.userId),
      m.map((x) => x.role),
      m.map((x) => x.joinedSeq),
      m.map((x) => x.readSeq),
      m.map((x) => x.deliveredSeq),
      m.map((x) => x.facts.engaged),
      m.map((x) => x.facts.addedBy),
    ],
  }));

  const d = changes.deliveries;
  const deliveries = writeIf(d, () => ({
    text: `INSERT INTO ${schema}.device_deliveries AS t (conversation_id, user_id, device_id, delivered_seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       ON CONFLICT (conversation_id, user_id, device_id) DO UPDATE SET
         delivered_seq = GREATEST(t.delivered_seq, EXCLUDED.delivered_seq)`,
    values: [
      d.map((x) => x.conversationId),
      d.map((x) => x.userId),
      d.map((x) => x.deviceId),
      d.map((x) => x.deliveredSeq),
    ],
  }));

  const s = changes.sentMessages;
  const sent = writeIf(s, () => ({
    text: `INSERT INTO ${schema}.messages (message_id, conversation_id, seq, sender_id, client_message_id, sent_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[])
       ON CONFLICT DO NOTHING`,
    values: [
      s.map((x) => x.event.messageId),
      s.map((x) => x.event.conversationId),
      s.map((x) => x.seq),
      s.map((x) => x.event.senderId),
      s.map((x) => x.event.clientMessageId),
      s.map((x) => new Date(x.event.envelope.occurredAt)),
    ],
  }));

  await writeTogether(db, [
    conversations,
    memberships,
    deliveries,
    sent,
    ignoredEventsWrite(schema, changes.ignored, text),
  ]);

  const deleted = changes.deletedMessages;
  if (deleted.length > 0) {
    await preparedQuery(
      db,
      `UPDATE ${schema}.messages SET deleted = true
       WHERE (conversation_id, message_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [deleted.map(([conversation]) => conversation), deleted.map(([, message]) => message)],
    );
  }
}
