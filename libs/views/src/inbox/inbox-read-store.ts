import type { ConversationKind, MemberRole } from '@chat/events';
import type { Queryable } from './inbox-store';

/** A row of a user's inbox list, and the key the next page starts after. */
export interface InboxListRow {
  conversationId: string;
  kind: ConversationKind;
  title: string | null;
  role: MemberRole;
  lastSeq: number;
  readSeq: number;
  deliveredSeq: number;
  lastMessageId: string | null;
  lastMessageSenderId: string | null;
  lastMessagePreview: string | null;
  lastActivityAt: Date;
  /** Last activity in UTC to the microsecond: the keyset position of this row. */
  activityKey: string;
}

/** A reader's membership of a conversation, with the conversation's kind and last seq. */
export interface Membership {
  role: MemberRole;
  joinedSeq: number;
  readSeq: number;
  deliveredSeq: number;
  lastSeq: number;
  kind: ConversationKind;
}

/** Members of a conversation other than a message's sender, as of the message's seq. */
export interface ReceiptCounts {
  /** Members other than the sender who were in the conversation when it was sent. */
  recipients: number;
  delivered: number;
  read: number;
}

/**
 * What clients read of one inbox version: their list, their membership, the members of a
 * conversation and receipt counts. Authorization is the caller's (ChatQueries): this only
 * reads.
 */
export class InboxReadStore {
  constructor(
    private readonly db: Queryable,
    readonly schema: string,
  ) {}

  /** A user's conversations, most recently active first, after the keyset position `after`. */
  async list(
    userId: string,
    after: { activity: string; conversationId: string } | null,
    limit: number,
  ): Promise<InboxListRow[]> {
    const { rows } = await this.db.query<{
      conversation_id: string;
      kind: ConversationKind;
      title: string | null;
      role: MemberRole;
      last_seq: string;
      read_seq: string;
      delivered_seq: string;
      last_message_id: string | null;
      last_message_sender_id: string | null;
      last_message_preview: string | null;
      last_activity_at: Date;
      activity_key: string;
    }>(
      `SELECT c.conversation_id, c.kind, c.title, m.role, c.last_seq, m.read_seq,
              m.delivered_seq, c.last_message_id, c.last_message_sender_id,
              c.last_message_preview, c.last_activity_at,
              to_char(c.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS activity_key
         FROM ${this.schema}.memberships m
         JOIN ${this.schema}.conversations c USING (conversation_id)
        WHERE m.user_id = $1
          AND ($2::timestamp IS NULL
               OR (c.last_activity_at AT TIME ZONE 'UTC', c.conversation_id) < ($2::timestamp, $3))
        ORDER BY c.last_activity_at DESC, c.conversation_id DESC
        LIMIT $4`,
      [userId, after?.activity ?? null, after?.conversationId ?? null, limit],
    );
    return rows.map((row) => ({
      conversationId: row.conversation_id,
      kind: row.kind,
      title: row.title,
      role: row.role,
      lastSeq: Number(row.last_seq),
      readSeq: Number(row.read_seq),
      deliveredSeq: Number(row.delivered_seq),
      lastMessageId: row.last_message_id,
      lastMessageSenderId: row.last_message_sender_id,
      lastMessagePreview: row.last_message_preview,
      lastActivityAt: row.last_activity_at,
      activityKey: row.activity_key,
    }));
  }

  /**
   * The user's membership of a conversation; `null` when they are not a member or there is no
   * such conversation (the two are one answer to an outsider).
   */
  async membership(userId: string, conversationId: string): Promise<Membership | null> {
    const { rows } = await this.db.query<{
      kind: ConversationKind;
      last_seq: string;
      role: MemberRole | null;
      joined_seq: string | null;
      read_seq: string | null;
      delivered_seq: string | null;
    }>(
      `SELECT c.kind, c.last_seq, m.role, m.joined_seq, m.read_seq, m.delivered_seq
         FROM ${this.schema}.conversations c
         LEFT JOIN ${this.schema}.memberships m
           ON m.conversation_id = c.conversation_id AND m.user_id = $2
        WHERE c.conversation_id = $1`,
      [conversationId, userId],
    );
    const row = rows[0];
    if (!row || row.role === null) return null;
    return {
      kind: row.kind,
      role: row.role,
      lastSeq: Number(row.last_seq),
      joinedSeq: Number(row.joined_seq),
      readSeq: Number(row.read_seq),
      deliveredSeq: Number(row.delivered_seq),
    };
  }

  /** The user's read seq in each of the conversations they are a member of. */
  async readSeqs(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ conversation_id: string; read_seq: string }>(
      `SELECT conversation_id, read_seq FROM ${this.schema}.memberships
        WHERE user_id = $1 AND conversation_id = ANY($2)`,
      [userId, conversationIds],
    );
    return new Map(rows.map((row) => [row.conversation_id, Number(row.read_seq)]));
  }

  /** The members of a conversation, in the order they joined. */
  async members(
    conversationId: string,
  ): Promise<Array<{ userId: string; role: MemberRole; joinedSeq: number }>> {
    const { rows } = await this.db.query<{
      user_id: string;
      role: MemberRole;
      joined_seq: string;
    }>(
      `SELECT user_id, role, joined_seq FROM ${this.schema}.memberships
        WHERE conversation_id = $1 ORDER BY joined_seq, user_id`,
      [conversationId],
    );
    return rows.map((row) => ({
      userId: row.user_id,
      role: row.role,
      joinedSeq: Number(row.joined_seq),
    }));
  }

  /** A message's seq and sender, or `null` when the conversation has no such message. */
  async message(
    conversationId: string,
    messageId: string,
  ): Promise<{ seq: number; senderId: string } | null> {
    const { rows } = await this.db.query<{ seq: string; sender_id: string }>(
      `SELECT seq, sender_id FROM ${this.schema}.messages
        WHERE conversation_id = $1 AND message_id = $2`,
      [conversationId, messageId],
    );
    const row = rows[0];
    return row ? { seq: Number(row.seq), senderId: row.sender_id } : null;
  }

  /**
   * How many of the members other than the sender who were there at `seq` have it delivered
   * and read. Cursors are cumulative, and reading a message delivers it.
   */
  async receiptCounts(
    conversationId: string,
    senderId: string,
    seq: number,
  ): Promise<ReceiptCounts> {
    const { rows } = await this.db.query<{ recipients: string; delivered: string; read: string }>(
      `SELECT count(*) AS recipients,
              count(*) FILTER (WHERE GREATEST(delivered_seq, read_seq) >= $3) AS delivered,
              count(*) FILTER (WHERE read_seq >= $3) AS read
         FROM ${this.schema}.memberships
        WHERE conversation_id = $1 AND user_id <> $2 AND joined_seq <= $3`,
      [conversationId, senderId, seq],
    );
    const counts = rows[0]!;
    return {
      recipients: Number(counts.recipients),
      delivered: Number(counts.delivered),
      read: Number(counts.read),
    };
  }
}
