import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { ConversationKind, MemberRole } from '@chat/events';
import { presenceFor, PRESENCE_TTL_MS, type Presence, type PresenceFacts } from '@chat/domain';
import type { SyncResult } from '@chat/protocol';
import type { InboxReadStore, Membership } from '../inbox/inbox-read-store';
import { SearchQueries, type SearchOptions, type SearchPage } from '../search/search-queries';
import type { TimelineItem } from '../timeline/timeline-store';
import { decodeInboxCursor, encodeInboxCursor } from './cursors';
import { ReaderStores } from './reader-stores';
import { ViewError } from './view-error';

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

/**
 * Every read a client makes, authorized by membership: history pages, what was missed since a
 * seq, the inbox with unread counts, members, receipts and presence. Each read checks the
 * request and who asks, then calls the stores of the versions readers use (ReaderStores), so a
 * rebuild's switch is invisible here.
 *
 * History starts where the reader joined: a member added later does not see what was said
 * before (the seq of the notice that added them is the first they see).
 */
export class ChatQueries {
  private readonly stores: ReaderStores;
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
    this.stores = new ReaderStores(deps);
    this.searches = new SearchQueries(() => this.stores.search.get());
  }

  /** Messages the user may read that match `query` (web search syntax), ranked, paged. */
  search(userId: string, query: string, options: SearchOptions = {}): Promise<SearchPage> {
    return this.searches.search(userId, query, options);
  }

  /** The user's conversations, most recently active first, paged by an opaque cursor. */
  async inboxOf(userId: string, options: { limit?: number; after?: string } = {}) {
    const limit = pageSize(options.limit, 50);
    const after = options.after === undefined ? null : decodeInboxCursor(options.after);
    const rows = await (await this.stores.inbox.get()).list(userId, after, limit + 1);
    const entries: InboxEntry[] = rows.slice(0, limit).map((row) => ({
      conversationId: row.conversationId,
      kind: row.kind,
      title: row.title,
      role: row.role,
      lastSeq: row.lastSeq,
      readSeq: row.readSeq,
      deliveredSeq: row.deliveredSeq,
      unread: Math.max(0, row.lastSeq - row.readSeq),
      lastMessage:
        row.lastMessageId && row.lastMessageSenderId
          ? {
              messageId: row.lastMessageId,
              senderId: row.lastMessageSenderId,
              preview: row.lastMessagePreview,
            }
          : null,
      lastActivityAt: row.lastActivityAt.toISOString(),
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    const next = last ? encodeInboxCursor(last.activityKey, last.conversationId) : null;
    return { items: entries, next } satisfies Page<InboxEntry>;
  }

  /** A page of history, newest first, below `beforeSeq` (default: from the newest). */
  async history(
    userId: string,
    conversationId: string,
    options: { beforeSeq?: number; limit?: number } = {},
  ): Promise<{ items: TimelineItem[]; nextBeforeSeq: number | null }> {
    const member = await this.membership(await this.stores.inbox.get(), userId, conversationId);
    const limit = pageSize(options.limit, 50);
    const before = Math.min(options.beforeSeq ?? member.lastSeq + 1, member.lastSeq + 1);
    if (options.beforeSeq !== undefined && (!Number.isSafeInteger(before) || before < 1)) {
      throw new ViewError('bad-page', 'beforeSeq must be a whole number from 1');
    }
    if (before <= member.joinedSeq) return { items: [], nextBeforeSeq: null };
    const log = await this.stores.timeline.get();
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
    const log = await this.stores.timeline.get();
    const found = await log.after(userId, conversationId, afterCs, limit);
    if (!found) throw new ViewError('not-a-member', `you are not a member of ${conversationId}`);
    return found;
  }

  /**
   * The conversations a user is or was a member of, by id: a keyset resume walks, which a
   * message arriving meanwhile cannot reorder (the inbox's order by activity would).
   */
  async conversationsOf(userId: string, options: { after?: string; limit?: number } = {}) {
    const limit = pageSize(options.limit, MAX_PAGE);
    const log = await this.stores.timeline.get();
    return log.conversationsOf(userId, { after: options.after, limit });
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
    const readSeqs = await (await this.stores.inbox.get()).readSeqs(userId, conversationIds);
    const log = await this.stores.timeline.get();
    for (const id of conversationIds) {
      starts.set(id, await log.resumeStart(userId, id, readSeqs.get(id)));
    }
    return starts;
  }

  async members(userId: string, conversationId: string): Promise<MemberEntry[]> {
    const inbox = await this.stores.inbox.get();
    await this.membership(inbox, userId, conversationId);
    return inbox.members(conversationId);
  }

  /** Delivered and read for a message, for its sender only. Read implies delivered. */
  async receipt(userId: string, conversationId: string, messageId: string): Promise<Receipt> {
    const inbox = await this.stores.inbox.get();
    const member = await this.membership(inbox, userId, conversationId);
    const message = await inbox.message(conversationId, messageId);
    if (!message) throw new ViewError('message-not-found', `no message ${messageId} here`);
    if (message.senderId !== userId) {
      throw new ViewError('not-the-sender', 'only the sender sees the receipts of a message');
    }
    const { seq } = message;
    const { recipients, delivered, read } = await inbox.receiptCounts(conversationId, userId, seq);
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
    const visible = await (
      await this.stores.audience.get()
    ).visible(wanted.map((id) => [viewerId, id] as const));
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
    return (await this.stores.presence.get()).factsOf(userIds);
  }

  /** What `viewerId` may see of a user's presence facts, now. */
  presenceSeenBy(viewerId: string, userId: string, facts: PresenceFacts): Presence {
    const ttlMs = this.deps.presenceTtlMs ?? PRESENCE_TTL_MS;
    return presenceFor(userId, facts, { now: Date.now(), viewerId, ttlMs });
  }

  /** The reader's membership, or why there is none. */
  private async membership(
    inbox: InboxReadStore,
    userId: string,
    conversationId: string,
  ): Promise<Membership> {
    const member = await inbox.membership(userId, conversationId);
    // Outsiders hear the same answer whether or not the conversation exists.
    if (!member) throw new ViewError('not-a-member', `you are not a member of ${conversationId}`);
    return member;
  }
}

function pageSize(requested: number | undefined, fallback: number): number {
  const size = requested ?? fallback;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_PAGE) {
    throw new ViewError('bad-page', `a page holds 1 to ${MAX_PAGE} items`);
  }
  return size;
}
