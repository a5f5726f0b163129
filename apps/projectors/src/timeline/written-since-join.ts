import type { MessageFacts } from '@chat/domain';
import type { StoredConversation } from '@chat/views';

/** Conversations remembered at most; the least recently used are forgotten first. */
const MAX_CONVERSATIONS = 20_000;
/** Message facts remembered per conversation; past this a conversation starts over. */
const MAX_FACTS = 2_000;

interface Remembered {
  stored: StoredConversation | null;
  /** True when every message of the conversation is in `byId`: a miss means "no such message". */
  complete: boolean;
  byId: Map<string, MessageFacts>;
  bySend: Map<string, MessageFacts>;
}

const sendKey = (senderId: string, clientMessageId: string) =>
  `${senderId}\u0000${clientMessageId}`;

/**
 * What this instance wrote since it last joined its consumer group, trusted instead of read
 * back: while it owns a partition nobody else writes that partition's conversations, so its
 * own last writes are what a read would return. A conversation it saw created is complete:
 * a message it does not know does not exist, which turns a rebuild's lookups into none.
 * Forgotten on every rejoin and every failed batch.
 */
export class WrittenSinceJoin {
  private readonly conversations = new Map<string, Remembered>();

  forget(): void {
    this.conversations.clear();
  }

  /** Remembered state per id: `undefined` when unknown (read it), `null` when known absent. */
  state(conversationId: string): StoredConversation | null | undefined {
    const remembered = this.touch(conversationId);
    return remembered ? remembered.stored : undefined;
  }

  /** Marks conversations read from the store; those without a state row are complete. */
  loaded(conversationId: string, stored: StoredConversation | undefined): void {
    this.set(conversationId, {
      stored: stored ?? null,
      complete: !stored,
      byId: new Map(),
      bySend: new Map(),
    });
  }

  /**
   * Facts for a message reference: found, known absent (`null`), or unknown (`undefined`).
   */
  message(conversationId: string, messageId: string): MessageFacts | null | undefined {
    const remembered = this.conversations.get(conversationId);
    if (!remembered) return undefined;
    return remembered.byId.get(messageId) ?? (remembered.complete ? null : undefined);
  }

  send(conversationId: string, senderId: string, clientMessageId: string) {
    const remembered = this.conversations.get(conversationId);
    if (!remembered) return undefined;
    const found = remembered.bySend.get(sendKey(senderId, clientMessageId));
    return found ?? (remembered.complete ? null : undefined);
  }

  /** Facts read from the store, remembered for the next batch. */
  learned(facts: MessageFacts): void {
    const remembered = this.conversations.get(facts.conversationId);
    if (!remembered) return;
    if (remembered.byId.size >= MAX_FACTS) {
      remembered.byId.clear();
      remembered.bySend.clear();
      remembered.complete = false;
    }
    remembered.byId.set(facts.messageId, facts);
    remembered.bySend.set(sendKey(facts.senderId, facts.clientMessageId), facts);
  }

  /** A batch's state rows are stored: they are the conversations' state now. */
  stored(conversationId: string, stored: StoredConversation): void {
    const remembered = this.conversations.get(conversationId);
    if (remembered) remembered.stored = stored;
  }

  private touch(conversationId: string): Remembered | undefined {
    const remembered = this.conversations.get(conversationId);
    if (remembered) {
      this.conversations.delete(conversationId);
      this.conversations.set(conversationId, remembered);
    }
    return remembered;
  }

  private set(conversationId: string, remembered: Remembered): void {
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, remembered);
    while (this.conversations.size > MAX_CONVERSATIONS) {
      this.conversations.delete(this.conversations.keys().next().value!);
    }
  }
}
