import type { ConversationState } from '@chat/domain';
import type { ConversationEvent } from '@chat/events';
import type { PositionedOutcome } from '../runtime/conversation-events';

/**
 * A write to the timeline tables. `at` is the Kafka offset of the event behind it, used as the
 * write timestamp, which is what makes every write idempotent and order-free (see
 * timeline-tables in @chat/views).
 */
export type TimelineWrite =
  | {
      op: 'item';
      at: bigint;
      conversationId: string;
      seq: number;
      itemKind: 'MESSAGE' | 'NOTICE';
      event: ConversationEvent;
    }
  | {
      op: 'edit';
      at: bigint;
      conversationId: string;
      seq: number;
      event: Extract<ConversationEvent, { type: 'MessageEdited' }>;
    }
  | {
      op: 'delete';
      at: bigint;
      conversationId: string;
      seq: number;
      messageId: string;
      deletedBy: string;
    }
  | {
      op: 'reaction';
      at: bigint;
      conversationId: string;
      seq: number;
      emoji: string;
      userId: string;
      present: boolean;
    }
  | {
      op: 'message';
      at: bigint;
      conversationId: string;
      messageId: string;
      seq: number;
      senderId: string;
      clientMessageId: string;
    }
  | {
      op: 'ignored';
      at: bigint;
      partition: number;
      event: ConversationEvent;
      reason: string;
      detail: string;
    };

/** What a conversation's state row becomes at the end of a batch. */
export interface StateWrite {
  conversationId: string;
  state: ConversationState;
  /** The offset after the last event of this conversation the batch applied. */
  appliedThrough: bigint;
}

/**
 * The timeline projection as a pure function of the ledger's outcomes: item rows and message
 * facts first, and then, once those are stored, one state row per conversation touched.
 */
export function timelineWrites(outcomes: PositionedOutcome[]): {
  rows: TimelineWrite[];
  states: StateWrite[];
} {
  const rows: TimelineWrite[] = [];
  const states = new Map<string, StateWrite>();
  for (const outcome of outcomes) {
    const { event, verdict, seq, state, target } = outcome;
    const at = BigInt(outcome.offset);
    const conversationId = event.conversationId;
    if (!verdict.accepted) {
      const { reason, detail } = verdict;
      rows.push({ op: 'ignored', at, partition: outcome.partition, event, reason, detail });
      continue;
    }
    states.set(conversationId, { conversationId, state: state!, appliedThrough: at + 1n });
    switch (event.type) {
      case 'MessageSent':
        rows.push({ op: 'item', at, conversationId, seq: seq!, itemKind: 'MESSAGE', event });
        rows.push({
          op: 'message',
          at,
          conversationId,
          messageId: event.messageId,
          seq: seq!,
          senderId: event.senderId,
          clientMessageId: event.clientMessageId,
        });
        break;
      case 'ConversationCreated':
      case 'MemberAdded':
      case 'MemberRemoved':
      case 'MemberRoleChanged':
        rows.push({ op: 'item', at, conversationId, seq: seq!, itemKind: 'NOTICE', event });
        break;
      case 'MessageEdited':
        rows.push({ op: 'edit', at, conversationId, seq: target!.seq, event });
        break;
      case 'MessageDeleted':
        rows.push({
          op: 'delete',
          at,
          conversationId,
          seq: target!.seq,
          messageId: event.messageId,
          deletedBy: event.deletedBy,
        });
        break;
      case 'ReactionAdded':
      case 'ReactionRemoved':
        rows.push({
          op: 'reaction',
          at,
          conversationId,
          seq: target!.seq,
          emoji: event.emoji,
          userId: event.userId,
          present: event.type === 'ReactionAdded',
        });
        break;
      case 'MessagesDelivered':
      case 'MessagesRead':
        // Cursors live in the inbox; the timeline only keeps the state current.
        break;
    }
  }
  return { rows, states: [...states.values()] };
}
