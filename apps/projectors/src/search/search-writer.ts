import { preparedQuery, writeIf, writeTogether } from '@chat/storage';
import type { PoolClient } from 'pg';
import { ignoredEventsWrite } from '../runtime/ignored-events';
import { serializeState, SEARCH_CONFIG } from '@chat/views';
import type { SearchChanges } from './search-changes';
import { storableText, type TextMapping } from '../inbox/storable-text';

/**
 * The characters of a body that go into its document: a tsvector holds at most 1 MB, and a
 * store that refused a long body would park the conversation. Deterministic, so a rebuild
 * indexes the same; the whole body is kept for the snippet.
 */
export const INDEXED_CHARACTERS = 65536;

const documentOf = (param: string) =>
  `to_tsvector('${SEARCH_CONFIG}', left(${param}, ${INDEXED_CHARACTERS}))`;

/**
 * Writes a batch's changes, one write per table, each idempotent. The inserts and upserts go as
 * one statement (different tables: see writeTogether); edits and deletes after it, so a message
 * sent and edited in one batch is inserted, then changed.
 */
export async function writeSearchChanges(
  db: PoolClient,
  schema: string,
  changes: SearchChanges,
  text: TextMapping = storableText,
): Promise<void> {
  const orNull = (value: string | null) => (value === null ? null : text(value));
  const c = changes.conversations;
  const conversations = writeIf(c, () => ({
    text: `INSERT INTO ${schema}.conversations AS t (conversation_id, state, last_seq, last_cs)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
       ON CONFLICT (conversation_id) DO UPDATE SET
         state = EXCLUDED.state, last_seq = EXCLUDED.last_seq, last_cs = EXCLUDED.last_cs
       WHERE t.last_cs <= EXCLUDED.last_cs`,
    values: [
      c.map((s) => s.conversationId),
      c.map((s) => serializeState(s)), // JSON escapes U+0000: storable as is
      c.map((s) => s.lastSeq),
      c.map((s) => s.lastCs),
    ],
  }));

  const spans = changes.spans;
  const memberSpans = writeIf(spans, () => ({
    text: `INSERT INTO ${schema}.member_spans AS t (conversation_id, user_id, joined_seq, removed_seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
       ON CONFLICT (conversation_id, user_id, joined_seq) DO UPDATE SET
         removed_seq = COALESCE(EXCLUDED.removed_seq, t.removed_seq)`,
    values: [
      spans.map((s) => s.conversationId),
      spans.map((s) => s.userId),
      spans.map((s) => s.joinedSeq),
      spans.map((s) => s.removedSeq),
    ],
  }));

  const s = changes.sent;
  const sent = writeIf(s, () => ({
    text: `INSERT INTO ${schema}.messages (conversation_id, message_id, seq, sender_id,
         client_message_id, sent_at, deleted, body, document)
       SELECT m.*, ${documentOf('m.body')}
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
         $6::timestamptz[], $7::boolean[], $8::text[])
         AS m(conversation_id, message_id, seq, sender_id, client_message_id, sent_at, deleted, body)
       ON CONFLICT DO NOTHING`,
    values: [
      s.map((x) => x.conversationId),
      s.map((x) => x.messageId),
      s.map((x) => x.seq),
      s.map((x) => x.senderId),
      s.map((x) => x.clientMessageId),
      s.map((x) => x.sentAt),
      s.map((x) => x.deleted),
      s.map((x) => orNull(x.body)),
    ],
  }));

  await writeTogether(db, [
    conversations,
    memberSpans,
    sent,
    ignoredEventsWrite(schema, changes.ignored, text),
  ]);

  const t = changes.texts;
  if (t.length > 0) {
    // An edit replaces the indexed text; a delete for everyone removes it.
    await preparedQuery(
      db,
      `UPDATE ${schema}.messages AS m SET body = u.body, deleted = m.deleted OR u.deleted,
         document = ${documentOf('u.body')}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
         AS u(conversation_id, message_id, body, deleted)
       WHERE m.conversation_id = u.conversation_id AND m.message_id = u.message_id`,
      [
        t.map((x) => x.conversationId),
        t.map((x) => x.messageId),
        t.map((x) => orNull(x.body)),
        t.map((x) => x.deleted),
      ],
    );
  }
}
