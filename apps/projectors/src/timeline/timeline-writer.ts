import { types, type Client } from 'cassandra-driver';
import { messageIdFor } from '@chat/domain';
import {
  bucketOf,
  changeBucketOf,
  ciphertextBytes,
  timelineItemOf,
  reactionElement,
  serializeState,
  toLong,
  type TimelineTables,
} from '@chat/views';
import type { StateWrite, TimelineWrite } from './timeline-writes';

interface Statement {
  /** The Cassandra partition the statement writes: kept together in one batch where they fit. */
  partition: string;
  query: string;
  params: unknown[];
}

/** Requests in flight at once per batch: enough to hide round trips, bounded so memory is too. */
const CONCURRENCY = 64;
/** Batches stay well below Cassandra's batch size failure threshold (50 KiB). */
const BATCH_BYTES = 24 * 1024;

const itemPartition = (write: { conversationId: string; seq: number }) =>
  `items/${write.conversationId}/${bucketOf(write.seq)}`;

function statementOf(t: TimelineTables, write: TimelineWrite): Statement[] {
  const at = toLong(write.at);
  switch (write.op) {
    case 'item': {
      const item = timelineItemOf(write.event, write.seq, write.itemKind);
      return [
        {
          partition: itemPartition(write),
          query: `INSERT INTO ${t.items} (conversation_id, bucket, seq, item_kind, event_type,
                    message_id, actor_id, kind, body, ciphertext_algorithm, ciphertext, media,
                    reply_to, notice, occurred_at, deleted, cs)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?) USING TIMESTAMP ?`,
          params: [
            item.conversationId,
            bucketOf(item.seq),
            toLong(item.seq),
            item.itemKind,
            item.eventType,
            item.messageId,
            item.actorId,
            item.kind,
            item.body,
            item.ciphertext?.algorithm ?? null,
            ciphertextBytes(item.ciphertext),
            item.media ? JSON.stringify(item.media) : null,
            item.replyTo,
            item.notice ? JSON.stringify(item.notice) : null,
            new Date(item.occurredAt),
            toLong(write.cs),
            at,
          ],
        },
      ];
    }
    case 'edit': {
      // The content as sent stays; the edit goes beside it and into the item's revisions.
      const { body, ciphertext, envelope } = write.event;
      const editedAt = new Date(envelope.occurredAt);
      const bytes = ciphertext ? Buffer.from(ciphertext.data) : null;
      return [
        {
          partition: itemPartition(write),
          query: `UPDATE ${t.items} USING TIMESTAMP ?
                  SET edited_body = ?, edited_ciphertext_algorithm = ?, edited_ciphertext = ?,
                      edited_at = ?, revised_cs = ?
                  WHERE conversation_id = ? AND bucket = ? AND seq = ?`,
          params: [
            at,
            body,
            ciphertext?.algorithm ?? null,
            bytes,
            editedAt,
            toLong(write.cs),
            write.conversationId,
            bucketOf(write.seq),
            toLong(write.seq),
          ],
        },
        revision(t, write, {
          kind: 'edit',
          body,
          ciphertext_algorithm: ciphertext?.algorithm ?? null,
          ciphertext: bytes,
          edited_at: editedAt,
        }),
      ];
    }
    case 'delete':
      // Deleted for everyone: the content goes, the item stays to show that it was deleted.
      return [
        {
          partition: itemPartition(write),
          query: `UPDATE ${t.items} USING TIMESTAMP ?
                  SET deleted = true, deleted_by = ?, body = null, ciphertext_algorithm = null,
                      ciphertext = null, media = null, reply_to = null, reactions = null,
                      member_reactions = null,
                      edited_body = null, edited_ciphertext_algorithm = null,
                      edited_ciphertext = null, edited_at = null
                  WHERE conversation_id = ? AND bucket = ? AND seq = ?`,
          params: [
            at,
            write.deletedBy,
            write.conversationId,
            bucketOf(write.seq),
            toLong(write.seq),
          ],
        },
        {
          // Every copy loses it: no earlier revision of the item can be shown again.
          partition: `${t.revisions}/${write.conversationId}/${bucketOf(write.seq)}`,
          query: `DELETE FROM ${t.revisions} USING TIMESTAMP ?
                  WHERE conversation_id = ? AND bucket = ? AND seq = ?`,
          params: [at, write.conversationId, bucketOf(write.seq), toLong(write.seq)],
        },
        {
          partition: `${t.messages}/${write.conversationId}/${write.messageId}`,
          query: `UPDATE ${t.messages} USING TIMESTAMP ? SET deleted_offset = ?
                  WHERE conversation_id = ? AND message_id = ?`,
          params: [at, at, write.conversationId, write.messageId],
        },
      ];
    case 'reaction':
      return [
        ...memberReaction(t, write),
        revision(t, write, {
          kind: 'reaction',
          emoji: write.emoji,
          user_id: write.userId,
          present: write.present,
        }),
      ];
    case 'message': {
      const derivedId = messageIdFor(write.senderId, write.clientMessageId);
      const facts = (messageId: string, aliasOf: string | null): Statement => ({
        partition: `${t.messages}/${write.conversationId}/${messageId}`,
        query: `INSERT INTO ${t.messages} (conversation_id, message_id, seq, sender_id,
                  client_message_id, alias_of, sent_offset) VALUES (?, ?, ?, ?, ?, ?, ?)
                USING TIMESTAMP ?`,
        params: [
          write.conversationId,
          messageId,
          toLong(write.seq),
          write.senderId,
          write.clientMessageId,
          aliasOf,
          at,
          at,
        ],
      });
      return derivedId === write.messageId
        ? [facts(write.messageId, null)]
        : [facts(write.messageId, null), facts(derivedId, write.messageId)];
    }
    case 'change': {
      const c = write.change;
      return [
        {
          partition: `${t.changes}/${c.conversationId}/${changeBucketOf(c.cs)}`,
          query: `INSERT INTO ${t.changes} (conversation_id, bucket, cs, offset, kind, event_type,
                    seq, user_id, emoji, present, receipt, up_to_seq, device_id)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
          params: [
            c.conversationId,
            changeBucketOf(c.cs),
            toLong(c.cs),
            toLong(c.offset),
            c.kind,
            c.eventType,
            c.seq === null ? null : toLong(c.seq),
            c.userId,
            c.emoji,
            c.present,
            c.receipt,
            c.upToSeq === null ? null : toLong(c.upToSeq),
            c.deviceId,
            at,
          ],
        },
      ];
    }
    case 'join':
      // Per conversation and per user: the user's copy is the keyset resume walks.
      return [
        {
          partition: `${t.memberSpans}/${write.conversationId}`,
          query: `INSERT INTO ${t.memberSpans} (conversation_id, user_id, joined_seq, joined_cs)
                  VALUES (?, ?, ?, ?) USING TIMESTAMP ?`,
          params: [
            write.conversationId,
            write.userId,
            toLong(write.joinedSeq),
            toLong(write.joinedCs),
            at,
          ],
        },
        {
          partition: `${t.userSpans}/${write.userId}`,
          query: `INSERT INTO ${t.userSpans} (user_id, conversation_id, joined_seq, joined_cs)
                  VALUES (?, ?, ?, ?) USING TIMESTAMP ?`,
          params: [
            write.userId,
            write.conversationId,
            toLong(write.joinedSeq),
            toLong(write.joinedCs),
            at,
          ],
        },
      ];
    case 'leave':
      return [
        {
          partition: `${t.memberSpans}/${write.conversationId}`,
          query: `UPDATE ${t.memberSpans} USING TIMESTAMP ? SET left_cs = ?
                  WHERE conversation_id = ? AND user_id = ? AND joined_seq = ?`,
          params: [
            at,
            toLong(write.leftCs),
            write.conversationId,
            write.userId,
            toLong(write.joinedSeq),
          ],
        },
        {
          partition: `${t.userSpans}/${write.userId}`,
          query: `UPDATE ${t.userSpans} USING TIMESTAMP ? SET left_cs = ?
                  WHERE user_id = ? AND conversation_id = ? AND joined_seq = ?`,
          params: [
            at,
            toLong(write.leftCs),
            write.userId,
            write.conversationId,
            toLong(write.joinedSeq),
          ],
        },
      ];
    case 'ignored':
      return [
        {
          partition: `${t.ignored}/${write.event.conversationId}`,
          query: `INSERT INTO ${t.ignored} (conversation_id, partition, offset, event_id,
                    event_type, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
          params: [
            write.event.conversationId,
            write.partition,
            at,
            write.event.envelope.eventId,
            write.event.type,
            write.reason,
            write.detail,
            at,
          ],
        },
      ];
  }
}

/**
 * The member's one reaction on the item, written blind at the event's offset: a replay, or a
 * batch read again after a crash, leaves what the newest change wrote. Clearing it also takes
 * the pair out of `reactions`, where rows written before kept one element per pair.
 */
function memberReaction(
  t: TimelineTables,
  write: Extract<TimelineWrite, { op: 'reaction' }>,
): Statement[] {
  if (write.slot === 'keep') return [];
  const where = [write.conversationId, bucketOf(write.seq), toLong(write.seq)];
  return [
    {
      partition: itemPartition(write),
      query:
        write.slot === 'set'
          ? `UPDATE ${t.items} USING TIMESTAMP ?
               SET member_reactions[?] = ?, revised_cs = ?
               WHERE conversation_id = ? AND bucket = ? AND seq = ?`
          : `UPDATE ${t.items} USING TIMESTAMP ?
               SET member_reactions = member_reactions - ?, reactions = reactions - ?,
                   revised_cs = ?
               WHERE conversation_id = ? AND bucket = ? AND seq = ?`,
      params: [
        toLong(write.at),
        ...(write.slot === 'set'
          ? [write.userId, write.emoji]
          : [[write.userId], [reactionElement(write.emoji, write.userId)]]),
        toLong(write.cs),
        ...where,
      ],
    },
  ];
}

/** An item's revision row: an edit or a reaction at its cs (see TimelineTables.revisions). */
function revision(
  t: TimelineTables,
  write: { at: bigint; conversationId: string; seq: number; cs: number },
  columns: Record<string, unknown>,
): Statement {
  const names = Object.keys(columns);
  return {
    partition: `${t.revisions}/${write.conversationId}/${bucketOf(write.seq)}`,
    query: `INSERT INTO ${t.revisions} (conversation_id, bucket, seq, cs, ${names.join(', ')})
            VALUES (?, ?, ?, ?, ${names.map(() => '?').join(', ')}) USING TIMESTAMP ?`,
    params: [
      write.conversationId,
      bucketOf(write.seq),
      toLong(write.seq),
      toLong(write.cs),
      ...Object.values(columns),
      toLong(write.at),
    ],
  };
}

/**
 * Writes a batch: every row first, then the conversations' states. A state names the offset it
 * reflects, so it may only land once the rows it accounts for are stored; a crash in between
 * leaves the old state, and the replay rewrites the same rows.
 */
export async function writeTimeline(
  cassandra: Client,
  tables: TimelineTables,
  writes: { rows: TimelineWrite[]; states: StateWrite[] },
): Promise<void> {
  await executeGrouped(
    cassandra,
    writes.rows.flatMap((write) => statementOf(tables, write).map(withoutNullCells)),
  );
  await executeGrouped(
    cassandra,
    writes.states.map(({ conversationId, state, appliedThrough }) => ({
      partition: conversationId,
      query: `INSERT INTO ${tables.conversations} (conversation_id, state, applied_through)
              VALUES (?, ?, ?) USING TIMESTAMP ?`,
      params: [
        conversationId,
        serializeState(state),
        toLong(appliedThrough),
        toLong(appliedThrough),
      ],
    })),
  );
}

/**
 * Runs statements as unlogged batches of up to BATCH_BYTES each, a partition's statements
 * together, with bounded concurrency. A batch is one request whatever the partitions it
 * touches, and at low rates the cost of a write is the request, not the row: one event is two
 * requests (its item, message facts and change, then its state) rather than one per row. Unlogged, the rows of a batch may land in any order, which is
 * why the states, which say what the rows account for, go in a request of their own after.
 */
async function executeGrouped(cassandra: Client, statements: Statement[]): Promise<void> {
  const byPartition = new Map<string, Statement[]>();
  for (const statement of statements) {
    const group = byPartition.get(statement.partition) ?? [];
    group.push(statement);
    byPartition.set(statement.partition, group);
  }
  const requests: Statement[][] = [];
  let chunk: Statement[] = [];
  let bytes = 0;
  for (const statement of [...byPartition.values()].flat()) {
    const size = approximateBytes(statement);
    if (chunk.length > 0 && bytes + size > BATCH_BYTES) {
      requests.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(statement);
    bytes += size;
  }
  if (chunk.length > 0) requests.push(chunk);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      if (request.length === 1) {
        await cassandra.execute(request[0]!.query, request[0]!.params, { prepare: true });
      } else {
        await cassandra.batch(request, { prepare: true, logged: false });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests.length) }, worker));
}

/**
 * An INSERT binding null writes a tombstone for that column: an item with no media, reply or
 * notice carried five, and every read of a timeline page had to skip them. Unset writes
 * nothing, which reads back as null all the same: an INSERT creates its row, so no older value
 * can be left in a cell it leaves unset. UPDATEs keep their nulls: there they delete.
 */
function withoutNullCells(statement: Statement): Statement {
  if (!/^\s*INSERT/.test(statement.query)) return statement;
  return { ...statement, params: statement.params.map((p) => (p === null ? types.unset : p)) };
}

function approximateBytes(statement: Statement): number {
  let bytes = 64;
  for (const param of statement.params) {
    if (typeof param === 'string') bytes += param.length * 3;
    else if (Buffer.isBuffer(param)) bytes += param.length;
    else bytes += 16;
  }
  return bytes;
}
