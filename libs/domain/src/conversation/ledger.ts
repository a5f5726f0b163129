import type { ConversationEvent } from '@chat/events';
import {
  evolve,
  takesCs,
  takesSeq,
  type ConversationState,
  type MessageFacts,
} from './conversation-state';
import { judge, type EventFacts, type Verdict } from './rules';

/** What one event did: its verdict, the seq it got, and the conversation's state after it. */
export interface Outcome {
  event: ConversationEvent;
  verdict: Verdict;
  /** The timeline seq of an accepted message or membership change; undefined otherwise. */
  seq?: number;
  /**
   * The change sequence number of an accepted event that clients see as a change (see
   * `takesCs`): gapless per conversation, in log order. Undefined otherwise.
   */
  cs?: number;
  /** State before the event. */
  before: ConversationState | null;
  /** State after the event (before it, when ignored). */
  state: ConversationState | null;
  /** For an accepted edit, delete or reaction: the message it changes. */
  target?: MessageFacts;
}

/**
 * Ids a batch of events refers to: what a projection loads before folding it. Messages are
 * identified within their conversation: a conversation's events all live in one partition, so
 * everything the ledger compares is in one total order and a rebuild compares the same way.
 */
export interface References {
  conversationIds: Set<string>;
  /** [conversationId, messageId] of every message an event names. */
  messages: Array<[string, string]>;
  /** [conversationId, senderId, clientMessageId] of every send, to find earlier duplicates. */
  sends: Array<[string, string, string]>;
}

const messageKeyOf = (conversationId: string, messageId: string) =>
  `${conversationId}\u0000${messageId}`;
const clientKeyOf = (conversationId: string, senderId: string, clientMessageId: string) =>
  `${conversationId}\u0000${senderId}\u0000${clientMessageId}`;

export function referencesOf(events: readonly ConversationEvent[]): References {
  const refs: References = {
    conversationIds: new Set(),
    messages: [],
    sends: [],
  };
  for (const event of events) {
    refs.conversationIds.add(event.conversationId);
    if ('messageId' in event) refs.messages.push([event.conversationId, event.messageId]);
    if (event.type === 'MessageSent') {
      refs.sends.push([event.conversationId, event.senderId, event.clientMessageId]);
    }
  }
  return refs;
}

/**
 * Folds events in log order over states loaded from a projection's store: judges each one,
 * numbers timeline items, and remembers messages sent in the same batch, so an edit right
 * after its send is judged against it. Every projection folds through this one ledger, which
 * is why they all number and ignore events identically.
 */
export class ConversationLedger {
  private readonly conversations = new Map<string, ConversationState | null>();
  private readonly messages = new Map<string, MessageFacts>();
  private readonly clientKeys = new Map<string, MessageFacts>();

  constructor(loaded: {
    conversations: Iterable<ConversationState>;
    messages: Iterable<MessageFacts>;
  }) {
    for (const state of loaded.conversations) this.conversations.set(state.conversationId, state);
    for (const message of loaded.messages) this.remember(message);
  }

  apply(event: ConversationEvent): Outcome {
    const before = this.conversations.get(event.conversationId) ?? null;
    const facts = this.factsFor(event);
    const verdict = judge(before, event, facts);
    if (!verdict.accepted) return { event, verdict, before, state: before };

    const state = evolve(before, event);
    this.conversations.set(event.conversationId, state);
    const seq = takesSeq(event) ? state!.lastSeq : undefined;
    const cs = takesCs(state!.kind, event) ? state!.lastCs : undefined;
    if (event.type === 'MessageSent') {
      this.remember({
        messageId: event.messageId,
        conversationId: event.conversationId,
        senderId: event.senderId,
        clientMessageId: event.clientMessageId,
        seq: seq!,
        deleted: false,
      });
    }
    if (event.type === 'MessageDeleted') this.remember({ ...facts.target!, deleted: true });
    return { event, verdict, seq, cs, before, state, target: facts.target ?? undefined };
  }

  /** Conversations as they stand after everything applied so far. */
  states(): ConversationState[] {
    return [...this.conversations.values()].filter((s): s is ConversationState => s !== null);
  }

  message(conversationId: string, messageId: string): MessageFacts | null {
    return this.messages.get(messageKeyOf(conversationId, messageId)) ?? null;
  }

  /** The message a sender sent in a conversation under a client message id. */
  sentBy(conversationId: string, senderId: string, clientMessageId: string): MessageFacts | null {
    return this.clientKeys.get(clientKeyOf(conversationId, senderId, clientMessageId)) ?? null;
  }

  conversation(conversationId: string): ConversationState | null {
    return this.conversations.get(conversationId) ?? null;
  }

  private factsFor(event: ConversationEvent): EventFacts {
    if (event.type === 'MessageSent') {
      return {
        duplicate:
          this.message(event.conversationId, event.messageId) ??
          this.sentBy(event.conversationId, event.senderId, event.clientMessageId),
      };
    }
    if ('messageId' in event)
      return { target: this.message(event.conversationId, event.messageId) };
    return {};
  }

  private remember(message: MessageFacts) {
    this.messages.set(messageKeyOf(message.conversationId, message.messageId), message);
    this.clientKeys.set(
      clientKeyOf(message.conversationId, message.senderId, message.clientMessageId),
      message,
    );
  }
}
