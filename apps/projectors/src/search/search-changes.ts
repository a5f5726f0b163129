import type { ConversationState } from '@chat/domain';
import type { ConversationEvent } from '@chat/events';
import type { PositionedOutcome } from '../runtime/conversation-events';
import type { IgnoredEvent } from '../runtime/ignored-events';

/** A message the batch sent, with its text as it stands after the batch. */
export interface SentMessage {
  conversationId: string;
  messageId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  sentAt: Date;
  /** The text to index; null for ciphertext, media without a caption, or deleted. */
  body: string | null;
  deleted: boolean;
}

/** The final text of a message sent before the batch: an edit, or a delete for everyone. */
export interface TextChange {
  conversationId: string;
  messageId: string;
  body: string | null;
  deleted: boolean;
}

/** A membership span: from joinedSeq, closed at removedSeq once the member is removed. */
export interface SpanRow {
  conversationId: string;
  userId: string;
  joinedSeq: number;
  removedSeq: number | null;
}

export interface SearchChanges {
  conversations: ConversationState[];
  sent: SentMessage[];
  texts: TextChange[];
  spans: SpanRow[];
  ignored: IgnoredEvent[];
}

/**
 * Plaintext alone is ever indexed: a message or edit that carries ciphertext is end-to-end
 * encrypted, and whatever plaintext field it may also carry is not for the server to search.
 */
export const indexableText = (
  event: Extract<ConversationEvent, { type: 'MessageSent' | 'MessageEdited' }>,
): string | null => (event.ciphertext === null ? event.body : null);

const keyOf = (...parts: Array<string | number>) => parts.join('\u0000');

/**
 * The search projection as a pure function of the ledger's outcomes in log order: the rows to
 * write, coalesced (a message sent and edited in one batch is written once, with its last text).
 */
export function searchChanges(outcomes: PositionedOutcome[]): SearchChanges {
  const states = new Map<string, ConversationState>();
  const sent = new Map<string, SentMessage>();
  const texts = new Map<string, TextChange>();
  const spans = new Map<string, SpanRow>();
  const ignored: IgnoredEvent[] = [];

  const open = (state: ConversationState, userId: string) => {
    const joinedSeq = state.members.get(userId)!.joinedSeq;
    const span = { conversationId: state.conversationId, userId, joinedSeq, removedSeq: null };
    spans.set(keyOf(state.conversationId, userId, joinedSeq), span);
  };
  const setText = (
    conversationId: string,
    messageId: string,
    body: string | null,
    deleted: boolean,
  ) => {
    const own = sent.get(keyOf(conversationId, messageId));
    if (own) Object.assign(own, { body, deleted });
    else texts.set(keyOf(conversationId, messageId), { conversationId, messageId, body, deleted });
  };

  for (const outcome of outcomes) {
    const { event, verdict, seq, state, before } = outcome;
    if (!verdict.accepted) {
      ignored.push({ ...outcome, reason: verdict.reason, detail: verdict.detail });
      continue;
    }
    const id = event.conversationId;
    states.set(id, state!);
    switch (event.type) {
      case 'ConversationCreated':
        for (const userId of state!.members.keys()) open(state!, userId);
        break;
      case 'MemberAdded':
        open(state!, event.userId);
        break;
      case 'MemberRemoved': {
        const joinedSeq = before!.members.get(event.userId)!.joinedSeq;
        spans.set(keyOf(id, event.userId, joinedSeq), {
          conversationId: id,
          userId: event.userId,
          joinedSeq,
          removedSeq: seq!,
        });
        break;
      }
      case 'MessageSent':
        sent.set(keyOf(id, event.messageId), {
          conversationId: id,
          messageId: event.messageId,
          seq: seq!,
          senderId: event.senderId,
          clientMessageId: event.clientMessageId,
          sentAt: new Date(event.envelope.occurredAt),
          body: indexableText(event),
          deleted: false,
        });
        break;
      case 'MessageEdited':
        setText(id, event.messageId, indexableText(event), false);
        break;
      case 'MessageDeleted':
        setText(id, event.messageId, null, true);
        break;
      default:
        break;
    }
  }
  return {
    conversations: [...states.values()],
    sent: [...sent.values()],
    texts: [...texts.values()],
    spans: [...spans.values()],
    ignored,
  };
}
