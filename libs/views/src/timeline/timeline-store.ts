import type { WireItem } from '@chat/protocol';
import { types, type Client } from 'cassandra-driver';
import type { ConversationKind, MemberRole } from '@chat/events';
import {
  messageIdFor,
  reactionsByEmoji,
  withReaction,
  type ConversationState,
  type MessageFacts,
} from '@chat/domain';
import { bucketOf, type TimelineTables } from './timeline-tables';
import type { ItemRevision, StoredItem } from './item-visibility';

const { Long } = types;
type Row = types.Row;

/** A conversation's state as the timeline keeps it, and the log offset it reflects. */
export interface StoredConversation {
  state: ConversationState;
  /** Offset after the last event applied to this state: events below it are already in. */
  appliedThrough: bigint;
}

/** One item of a timeline as readers get it: what clients receive (the protocol's item). */
export type TimelineItem = WireItem;

/** An element of the legacy `reactions` set: unambiguous whatever the emoji holds. */
export const reactionElement = (emoji: string, userId: string) => JSON.stringify([emoji, userId]);

export const toLong = (value: bigint | number | string) => Long.fromString(String(value));
const toBigInt = (value: types.Long | null | undefined) =>
  value === null || value === undefined ? null : BigInt(value.toString());

interface SerializedState {
  kind: ConversationKind;
  title: string | null;
  lastSeq: number;
  lastCs: number;
  members: Array<[string, MemberRole, number]>;
}

export function serializeState(state: ConversationState): string {
  const stored: SerializedState = {
    kind: state.kind,
    title: state.title,
    lastSeq: state.lastSeq,
    lastCs: state.lastCs,
    members: [...state.members].map(([userId, m]) => [userId, m.role, m.joinedSeq]),
  };
  return JSON.stringify(stored);
}

export function parseState(conversationId: string, text: string): ConversationState {
  const stored = JSON.parse(text) as SerializedState;
  return {
    conversationId,
    kind: stored.kind,
    title: stored.title,
    lastSeq: stored.lastSeq,
    lastCs: stored.lastCs,
    members: new Map(
      stored.members.map(([userId, role, joinedSeq]) => [userId, { role, joinedSeq }]),
    ),
  };
}

const PREPARED = { prepare: true } as const;

/** Lookups in flight at once: enough to hide round trips, far below the driver's queue. */
const LOOKUP_CONCURRENCY = 128;

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Reads of one timeline version: what the projector loads before folding a batch, and the
 * history pages readers ask for. Lookups are single-partition queries run concurrently, the
 * access pattern Cassandra is fast at.
 */
export class TimelineStore {
  constructor(
    private readonly cassandra: Client,
    readonly tables: TimelineTables,
  ) {}

  async conversations(ids: Iterable<string>): Promise<Map<string, StoredConversation>> {
    const rows = await mapBounded([...ids], LOOKUP_CONCURRENCY, (id) =>
      this.cassandra
        .execute(
          `SELECT conversation_id, state, applied_through FROM ${this.tables.conversations}
             WHERE conversation_id = ?`,
          [id],
          PREPARED,
        )
        .then((result) => result.first()),
    );
    const found = new Map<string, StoredConversation>();
    for (const row of rows) {
      if (!row) continue;
      found.set(row.conversation_id, {
        state: parseState(row.conversation_id, row.state),
        appliedThrough: toBigInt(row.applied_through) ?? 0n,
      });
    }
    return found;
  }

  /**
   * Message facts by [conversation, message] and by [conversation, sender, client message id],
   * as of each conversation's `appliedThrough`: a fact written by a batch whose state never got
   * stored (a crash between the two) is from that conversation's future, and is left out.
   * A send is found by the id derived from its sender and client message id (see
   * TimelineTables.messages), so for ids the command API made this is one lookup.
   */
  async messageFacts(
    messages: ReadonlyArray<readonly [string, string]>,
    sends: ReadonlyArray<readonly [string, string, string]>,
    appliedThrough: (conversationId: string) => bigint,
  ): Promise<MessageFacts[]> {
    const keys = new Map<string, readonly [string, string]>();
    for (const key of messages) keys.set(key.join('\u0000'), key);
    for (const [conversationId, senderId, clientMessageId] of sends) {
      const key = [conversationId, messageIdFor(senderId, clientMessageId)] as const;
      keys.set(key.join('\u0000'), key);
    }
    const rows = await mapBounded([...keys.values()], LOOKUP_CONCURRENCY, ([conversationId, id]) =>
      this.cassandra
        .execute(
          `SELECT * FROM ${this.tables.messages} WHERE conversation_id = ? AND message_id = ?`,
          [conversationId, id],
          PREPARED,
        )
        .then((result) => result.first()),
    );
    // A message's own row wins over an alias of it: only the own row knows of its deletion.
    const facts = new Map<string, MessageFacts>();
    for (const row of rows) {
      if (!row || toBigInt(row.sent_offset)! >= appliedThrough(row.conversation_id)) continue;
      const messageId: string = row.alias_of ?? row.message_id;
      const key = `${row.conversation_id}\u0000${messageId}`;
      if (row.alias_of && facts.has(key)) continue;
      const deletedAt = toBigInt(row.deleted_offset);
      facts.set(key, {
        conversationId: row.conversation_id,
        messageId,
        seq: Number(row.seq),
        senderId: row.sender_id,
        clientMessageId: row.client_message_id,
        deleted: deletedAt !== null && deletedAt < appliedThrough(row.conversation_id),
      });
    }
    return [...facts.values()];
  }

  /**
   * A page of history, newest first: items with seq below `beforeSeq` (default: all), at most
   * `limit` of them, walking buckets downwards.
   */
  async history(
    conversationId: string,
    options: { beforeSeq?: number; limit: number },
  ): Promise<TimelineItem[]> {
    return (await this.storedHistory(conversationId, options)).map((s) => s.item);
  }

  /** `history`, as stored. */
  async storedHistory(
    conversationId: string,
    options: { beforeSeq?: number; limit: number },
  ): Promise<StoredItem[]> {
    let before = options.beforeSeq;
    if (before === undefined) {
      const stored = (await this.conversations([conversationId])).get(conversationId);
      if (!stored) return [];
      before = stored.state.lastSeq + 1;
    }
    const items: StoredItem[] = [];
    for (let bucket = bucketOf(before - 1); bucket >= 0 && items.length < options.limit; bucket--) {
      const result = await this.cassandra.execute(
        `SELECT * FROM ${this.tables.items}
         WHERE conversation_id = ? AND bucket = ? AND seq < ? LIMIT ?`,
        [conversationId, bucket, toLong(before), options.limit - items.length],
        PREPARED,
      );
      items.push(...result.rows.map(toStoredItem));
    }
    return items;
  }

  /** Items with seq in [fromSeq, toSeq], oldest first: what a client that fell behind missed. */
  async range(conversationId: string, fromSeq: number, toSeq: number): Promise<TimelineItem[]> {
    return (await this.storedRange(conversationId, fromSeq, toSeq)).map((s) => s.item);
  }

  /** `range`, as stored. */
  async storedRange(conversationId: string, fromSeq: number, toSeq: number): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    for (let bucket = bucketOf(fromSeq); bucket <= bucketOf(toSeq); bucket++) {
      const result = await this.cassandra.execute(
        `SELECT * FROM ${this.tables.items}
         WHERE conversation_id = ? AND bucket = ? AND seq >= ? AND seq <= ? ORDER BY seq ASC`,
        [conversationId, bucket, toLong(fromSeq), toLong(toSeq)],
        PREPARED,
      );
      items.push(...result.rows.map(toStoredItem));
    }
    return items;
  }

  async item(conversationId: string, seq: number): Promise<TimelineItem | null> {
    return (await this.storedItem(conversationId, seq))?.item ?? null;
  }

  /** `item`, as stored. */
  async storedItem(conversationId: string, seq: number): Promise<StoredItem | null> {
    const result = await this.cassandra.execute(
      `SELECT * FROM ${this.tables.items} WHERE conversation_id = ? AND bucket = ? AND seq = ?`,
      [conversationId, bucketOf(seq), toLong(seq)],
      PREPARED,
    );
    const row = result.first();
    return row ? toStoredItem(row) : null;
  }

  /**
   * Each member's reaction on each of `items` ([conversationId, seq]), keyed by
   * `${conversationId}/${seq}`: what a batch that takes reactions back folds its changes over.
   */
  async memberReactions(
    items: ReadonlyArray<readonly [string, number]>,
  ): Promise<Map<string, ReadonlyMap<string, string>>> {
    const found = new Map<string, ReadonlyMap<string, string>>();
    await Promise.all(
      items.map(async ([conversationId, seq]) => {
        const result = await this.cassandra.execute(
          `SELECT reactions, member_reactions FROM ${this.tables.items}
           WHERE conversation_id = ? AND bucket = ? AND seq = ?`,
          [conversationId, bucketOf(seq), toLong(seq)],
          PREPARED,
        );
        const row = result.first();
        if (row) found.set(`${conversationId}/${seq}`, reactionsOf(row));
      }),
    );
    return found;
  }

  /** The edits and reactions of an item with cs up to `throughCs`, oldest first. */
  async revisions(conversationId: string, seq: number, throughCs: number): Promise<ItemRevision[]> {
    const result = await this.cassandra.execute(
      `SELECT * FROM ${this.tables.revisions}
       WHERE conversation_id = ? AND bucket = ? AND seq = ? AND cs <= ?`,
      [conversationId, bucketOf(seq), toLong(seq), toLong(throughCs)],
      { ...PREPARED, fetchSize: 10_000 },
    );
    return result.rows.map(toRevision);
  }

  /** The cs of the change that made an item; null when there is no such item. */
  async csOfItem(conversationId: string, seq: number): Promise<number | null> {
    const result = await this.cassandra.execute(
      `SELECT cs FROM ${this.tables.items} WHERE conversation_id = ? AND bucket = ? AND seq = ?`,
      [conversationId, bucketOf(seq), toLong(seq)],
      PREPARED,
    );
    const cs = result.first()?.cs as types.Long | null | undefined;
    return cs === null || cs === undefined ? null : Number(cs.toString());
  }

  async message(conversationId: string, messageId: string): Promise<TimelineItem | null> {
    const result = await this.cassandra.execute(
      `SELECT seq, alias_of FROM ${this.tables.messages} WHERE conversation_id = ? AND message_id = ?`,
      [conversationId, messageId],
      PREPARED,
    );
    const row = result.first();
    return row && !row.alias_of ? this.item(conversationId, Number(row.seq)) : null;
  }
}

const wireCiphertextOf = (bytes: Buffer | null, algorithm: string | null) =>
  bytes && algorithm ? { algorithm, data: bytes.toString('base64') } : null;

const csOf = (value: types.Long | null | undefined) =>
  value === null || value === undefined ? null : Number(value.toString());

/**
 * A row as stored: the item now (the newest edit's content if any, else the content as sent;
 * rows edited before edits were kept beside the sent content hold the edit in `body`), and
 * what folding it back to an earlier cs needs.
 */
export function toStoredItem(row: Row): StoredItem {
  const reactions = reactionsByEmoji(reactionsOf(row));
  const sent = {
    body: (row.body as string | null) ?? null,
    ciphertext: wireCiphertextOf(row.ciphertext as Buffer | null, row.ciphertext_algorithm),
  };
  const edited =
    row.edited_body != null || row.edited_ciphertext != null
      ? {
          body: (row.edited_body as string | null) ?? null,
          ciphertext: wireCiphertextOf(
            row.edited_ciphertext as Buffer | null,
            row.edited_ciphertext_algorithm,
          ),
        }
      : sent;
  return {
    item: {
      conversationId: row.conversation_id,
      seq: Number(row.seq),
      itemKind: row.item_kind,
      eventType: row.event_type,
      messageId: row.message_id ?? null,
      actorId: row.actor_id,
      kind: row.kind ?? null,
      body: edited.body,
      ciphertext: edited.ciphertext,
      media: row.media ? JSON.parse(row.media) : null,
      replyTo: row.reply_to ?? null,
      notice: row.notice ? JSON.parse(row.notice) : null,
      occurredAt: (row.occurred_at as Date).toISOString(),
      // Deleted for everyone: nothing of it is left to tell, not even when it was edited.
      editedAt:
        row.edited_at && row.deleted !== true ? (row.edited_at as Date).toISOString() : null,
      deleted: row.deleted === true,
      deletedBy: row.deleted_by ?? null,
      reactions,
    },
    cs: csOf(row.cs),
    revisedCs: csOf(row.revised_cs),
    sent,
  };
}

/**
 * An item row's reactions, one per member: the legacy (emoji, member) set folded in its order,
 * then each member's slot, which is what every write since keeps.
 */
function reactionsOf(row: Row): ReadonlyMap<string, string> {
  let reactions: ReadonlyMap<string, string> = new Map();
  for (const element of ((row.reactions as string[] | null) ?? []).slice().sort()) {
    const [emoji, userId] = JSON.parse(element) as [string, string];
    reactions = withReaction(reactions, { userId, emoji, present: true });
  }
  const slots = (row.member_reactions as Record<string, string> | null) ?? {};
  return new Map([...reactions, ...Object.entries(slots)]);
}

function toRevision(row: Row): ItemRevision {
  const seq = Number(row.seq);
  const cs = Number(row.cs);
  return row.kind === 'edit'
    ? {
        kind: 'edit',
        seq,
        cs,
        body: row.body ?? null,
        ciphertext: wireCiphertextOf(row.ciphertext as Buffer | null, row.ciphertext_algorithm),
        editedAt: (row.edited_at as Date).toISOString(),
      }
    : {
        kind: 'reaction',
        seq,
        cs,
        emoji: row.emoji,
        userId: row.user_id,
        present: row.present === true,
      };
}
