import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { ConversationKind, MemberRole } from '@chat/events';
import { presenceFor, PRESENCE_TTL_MS, type Presence, type PresenceFacts } from '@chat/domain';
import { INBOX_READER_SCHEMA } from '../inbox/inbox-tables';
import { PROJECTIONS } from '../projection-names';
import { PresenceAudience } from '../presence/presence-audience';
import { presenceKeysOf } from '../presence/presence-keys';
import { PresenceStore } from '../presence/presence-store';
import type { SyncResult } from '@chat/protocol';
import { ChangeLog } from '../timeline/change-log';
import { timelineTablesOf } from '../timeline/timeline-tables';
import type { TimelineItem } from '../timeline/timeline-store';
import { ReaderVersions } from './reader-versions';
import { SearchQueries, type SearchOptions, type SearchPage } from '../search/search-queries';
import { ViewError } from './view-error';
import { decodeInboxCursor, encodeInboxCursor } from './cursors';

export const MAX_PAGE = 200;

export interface InboxEntry {
  conversationId: string;
  kind: ConversationKind;
  title: string | null;
  role: MemberRole;
  lastSeq: number;
  readSeq: number;
  deliveredSeq: number;
  /** Last seq minus read seq: never a counter that can drift. */
  unread: number;
  lastMessage: { messageId: string; senderId: string; preview: string | null } | null;
  lastActivityAt: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null when there is none. */
  next: string | null;
}

export interface MemberEntry {
  userId: string;
  role: MemberRole;
  joinedSeq: number;
}

/** What the sender of a message may know of it. Direct: a status; group: counts. */
export type Receipt =
  | { kind: 'DIRECT'; messageId: string; seq: number; status: 'sent' | 'delivered' | 'read' }
  | {
      kind: 'GROUP';
      messageId: string;
      seq: number;
      /** Members other than the sender who were in the group when it was sent. */
      recipients: number;
      delivered: number;
      read: number;
    };

interface Membership {
  role: MemberRole;
  joinedSeq: number;
  readSeq: number;
  deliveredSeq: number;
  lastSeq: number;
  kind: ConversationKind;
}

/**
 * Every read a client makes, authorized by membership: history pages, what was missed since a
 * seq, the inbox with unread counts, members, receipts and presence. Reads go to the versions
 * readers use, so a rebuild's switch is invisible here.
 *
 * History starts where the reader joined: a member added later does not see what was said
 * before (the seq of the notice that added them is the first they see).
 */
export class ChatQueries {
  private readonly inbox = INBOX_READER_SCHEMA;
  private readonly versions: ReaderVersions;
  private readonly searches: SearchQueries;

  constructor(
    private readonly deps: {
      pool: Pool;
      cassandra: Client;
      keyspace: string;
      redis: Redis;
      presenceTtlMs?: number;
      versionsTtlMs?: number;
    },
  ) {
    this.versions = new ReaderVersions(deps.pool, deps.versionsTtlMs);
    this.searches = new SearchQueries(deps.pool, () => this.versions.of(PROJECTIONS.search));
  }

  /** Messages the user may read that match `query` (web search syntax), ranked, paged. */
  search(userId: string, query: string, options: SearchOptions = {}): Promise<SearchPage> {
    return this.searches.search(userId, query, options);
  }

  /** The user's conversations, most recently active first, paged by an opaque cursor. */
  async inboxOf(userId: string, options: { limit?: number; after?: string } = {}) {
    const limit = pageSize(options.limit, 50);
    const after = options.after === undefined ? null : decodeInboxCursor(options.after);
    const { rows } = await this.deps.pool.query<{
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
         FROM ${this.inbox}.memberships m
         JOIN ${this.inbox}.conversations c USING (conversation_id)
        WHERE m.user_id = $1
          AND ($2::timestamp IS NULL
               OR (c.last_activity_at AT TIME ZONE 'UTC', c.conversation_id) < ($2::timestamp, $3))
        ORDER BY c.last_activity_at DESC, c.conversation_id DESC
        LIMIT $4`,
      [userId, after?.activity ?? null, after?.conversationId ?? null, limit + 1],
    );
    const entries: InboxEntry[] = rows.slice(0, limit).map((row) => ({
      conversationId: row.conversation_id,
      kind: row.kind,
      title: row.title,
      role: row.role,
      lastSeq: Number(row.last_seq),
      readSeq: Number(row.read_seq),
      deliveredSeq: Number(row.delivered_seq),
      unread: Math.max(0, Number(row.last_seq) - Number(row.read_seq)),
      lastMessage:
        row.last_message_id && row.last_message_sender_id
          ? {
              messageId: row.last_message_id,
              senderId: row.last_message_sender_id,
              preview: row.last_message_preview,
            }
          : null,
      lastActivityAt: row.last_activity_at.toISOString(),
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const next = last ? encodeInboxCursor(last.activity_key, last.conversation_id) : null;
    return { items: entries, next } satisfies Page<InboxEntry>;
  }

  /** A page of history, newest first, below `beforeSeq` (default: from the newest). */
  async history(
    userId: string,
    conversationId: string,
    options: { beforeSeq?: number; limit?: number } = {},
  ): Promise<{ items: TimelineItem[]; nextBeforeSeq: number | null }> {
    const member = await this.membership(userId, conversationId);
    const limit = pageSize(options.limit, 50);
    const before = Math.min(options.beforeSeq ?? member.lastSeq + 1, member.lastSeq + 1);
    if (options.beforeSeq !== undefined && (!Number.isSafeInteger(before) || before < 1)) {
      throw new ViewError('bad-page', 'beforeSeq must be a whole number from 1');
    }
    if (before <= member.joinedSeq) return { items: [], nextBeforeSeq: null };
    const log = await this.changeLog();
    const page = (
      await log.timeline.storedHistory(conversationId, { beforeSeq: before, limit })
    ).filter((stored) => stored.item.seq >= member.joinedSeq);
    const reader = await log.reader(userId, conversationId);
    const items = reader ? await log.itemsSeenBy(conversationId, reader, page) : [];
    const oldest = page.at(-1)?.item.seq;
    const more = page.length === limit && oldest !== undefined && oldest > member.joinedSeq;
    return { items, nextBeforeSeq: more ? oldest : null };
  }

  /**
   * What a device missed after its cursor `afterCs`: the changes it may see, oldest first, at
   * most `limit`, with the cs it is then complete through. Authorized and read at one position
   * of the timeline (its membership spans and change log), never by the inbox, which may lag
   * behind it: a removed member gets the change that removed them and nothing after it.
   */
  async changesAfter(
    userId: string,
    conversationId: string,
    afterCs: number,
    options: { limit?: number } = {},
  ): Promise<SyncResult> {
    if (!Number.isSafeInteger(afterCs) || afterCs < 0) {
      throw new ViewError('bad-page', 'afterCs must be a whole number from 0');
    }
    const limit = pageSize(options.limit, MAX_PAGE);
    const found = await (await this.changeLog()).after(userId, conversationId, afterCs, limit);
    if (!found) throw new ViewError('not-a-member', `you are not a member of ${conversationId}`);
    return found;
  }

  /**
   * The conversations a user is or was a member of, by id: a keyset resume walks, which a
   * message arriving meanwhile cannot reorder (the inbox's order by activity would).
   */
  async conversationsOf(userId: string, options: { after?: string; limit?: number } = {}) {
    const limit = pageSize(options.limit, MAX_PAGE);
    return (await this.changeLog()).conversationsOf(userId, { after: options.after, limit });
  }

  /**
   * Where a device without a cursor resumes each conversation: after the user's read position
   * (the inbox's read seq, mapped to the cs of the first unread item), or `null` for a
   * conversation the user is no longer a member of.
   */
  async resumeStarts(
    userId: string,
    conversationIds: readonly string[],
  ): Promise<Map<string, number | null>> {
    const starts = new Map<string, number | null>();
    if (conversationIds.length === 0) return starts;
    const { rows } = await this.deps.pool.query<{ conversation_id: string; read_seq: string }>(
      `SELECT conversation_id, read_seq FROM ${this.inbox}.memberships
        WHERE user_id = $1 AND conversation_id = ANY($2)`,
      [userId, conversationIds],
    );
    const readSeqs = new Map(rows.map((row) => [row.conversation_id, Number(row.read_seq)]));
    const log = await this.changeLog();
    for (const id of conversationIds) {
      starts.set(id, await log.resumeStart(userId, id, readSeqs.get(id)));
    }
    return starts;
  }

  async members(userId: string, conversationId: string): Promise<MemberEntry[]> {
    await this.membership(userId, conversationId);
    const { rows } = await this.deps.pool.query<{
      user_id: string;
      role: MemberRole;
      joined_seq: string;
    }>(
      `SELECT user_id, role, joined_seq FROM ${this.inbox}.memberships
        WHERE conversation_id = $1 ORDER BY joined_seq, user_id`,
      [conversationId],
    );
    return rows.map((row) => ({
      userId: row.user_id,
      role: row.role,
      joinedSeq: Number(row.joined_seq),
    }));
  }

  /** Delivered and read for a message, for its sender only. Read implies delivered. */
  async receipt(userId: string, conversationId: string, messageId: string): Promise<Receipt> {
    const member = await this.membership(userId, conversationId);
    const { rows } = await this.deps.pool.query<{ seq: string; sender_id: string }>(
      `SELECT seq, sender_id FROM ${this.inbox}.messages
        WHERE conversation_id = $1 AND message_id = $2`,
      [conversationId, messageId],
    );
    const message = rows[0];
    if (!message) throw new ViewError('message-not-found', `no message ${messageId} here`);
    if (message.sender_id !== userId) {
      throw new ViewError('not-the-sender', 'only the sender sees the receipts of a message');
    }
    const seq = Number(message.seq);
    const { rows: counts } = await this.deps.pool.query<{
      recipients: string;
      delivered: string;
      read: string;
    }>(
      `SELECT count(*) AS recipients,
              count(*) FILTER (WHERE GREATEST(delivered_seq, read_seq) >= $3) AS delivered,
              count(*) FILTER (WHERE read_seq >= $3) AS read
         FROM ${this.inbox}.memberships
        WHERE conversation_id = $1 AND user_id <> $2 AND joined_seq <= $3`,
      [conversationId, userId, seq],
    );
    const recipients = Number(counts[0]!.recipients);
    const delivered = Number(counts[0]!.delivered);
    const read = Number(counts[0]!.read);
    if (member.kind === 'DIRECT') {
      const status =
        recipients > 0 && read === recipients ? 'read' : delivered > 0 ? 'delivered' : 'sent';
      return { kind: 'DIRECT', messageId, seq, status };
    }
    return { kind: 'GROUP', messageId, seq, recipients, delivered, read };
  }

  /** Presence of users the viewer may see (PresenceAudience), and the viewer's own. */
  async presence(viewerId: string, userIds: readonly string[]): Promise<Presence[]> {
    const wanted = [...new Set(userIds)];
    if (wanted.length === 0) return [];
    if (wanted.length > MAX_PAGE) {
      throw new ViewError('bad-page', `at most ${MAX_PAGE} users at a time`);
    }
    const visible = await new PresenceAudience(this.deps.pool).visible(
      wanted.map((id) => [viewerId, id] as const),
    );
    const strangers = wanted.filter((id) => !visible.has(viewerId, id));
    if (strangers.length > 0) {
      throw new ViewError(
        'no-shared-conversation',
        `no conversation in common with ${strangers.slice(0, 3).join(', ')}`,
      );
    }
    const facts = await this.presenceFactsOf(wanted);
    return wanted.map((id) => this.presenceSeenBy(viewerId, id, facts.get(id)!));
  }

  /**
   * Presence facts without a check: for watchers already authorized when they subscribed
   * (the gateway refreshes every subscription in one read).
   */
  async presenceFactsOf(userIds: readonly string[]): Promise<Map<string, PresenceFacts>> {
    const store = new PresenceStore(
      this.deps.redis,
      presenceKeysOf(await this.versions.of(PROJECTIONS.presence)),
    );
    return store.factsOf(userIds);
  }

  /** What `viewerId` may see of a user's presence facts, now. */
  presenceSeenBy(viewerId: string, userId: string, facts: PresenceFacts): Presence {
    const ttlMs = this.deps.presenceTtlMs ?? PRESENCE_TTL_MS;
    return presenceFor(userId, facts, { now: Date.now(), viewerId, ttlMs });
  }

  /** The reader's membership, or why there is none. */
  private async membership(userId: string, conversationId: string): Promise<Membership> {
    const { rows } = await this.deps.pool.query<{
      kind: ConversationKind;
      last_seq: string;
      role: MemberRole | null;
      joined_seq: string | null;
      read_seq: string | null;
      delivered_seq: string | null;
    }>(
      `SELECT c.kind, c.last_seq, m.role, m.joined_seq, m.read_seq, m.delivered_seq
         FROM ${this.inbox}.conversations c
         LEFT JOIN ${this.inbox}.memberships m
           ON m.conversation_id = c.conversation_id AND m.user_id = $2
        WHERE c.conversation_id = $1`,
      [conversationId, userId],
    );
    const row = rows[0];
    // Outsiders hear the same answer whether or not the conversation exists.
    if (!row || row.role === null) {
      throw new ViewError('not-a-member', `you are not a member of ${conversationId}`);
    }
    return {
      kind: row.kind,
      role: row.role,
      lastSeq: Number(row.last_seq),
      joinedSeq: Number(row.joined_seq),
      readSeq: Number(row.read_seq),
      deliveredSeq: Number(row.delivered_seq),
    };
  }

  private async changeLog(): Promise<ChangeLog> {
    const version = await this.versions.of(PROJECTIONS.timeline);
    return new ChangeLog(this.deps.cassandra, timelineTablesOf(this.deps.keyspace, version));
  }
}

function pageSize(requested: number | undefined, fallback: number): number {
  const size = requested ?? fallback;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_PAGE) {
    throw new ViewError('bad-page', `a page holds 1 to ${MAX_PAGE} items`);
  }
  return size;
}
