import { clearsReaction, withReaction, type ConversationState } from '@chat/domain';
import type { ConversationEvent } from '@chat/events';
import { CHANGE_KINDS, type StoredChange } from '@chat/views';
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
      cs: number;
      itemKind: 'MESSAGE' | 'NOTICE';
      event: ConversationEvent;
    }
  | {
      op: 'edit';
      at: bigint;
      conversationId: string;
      seq: number;
      /** The cs of the edit: kept with its content so the item can be shown as of a cs. */
      cs: number;
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
      cs: number;
      emoji: string;
      userId: string;
      present: boolean;
      /**
       * What the change does to the member's one reaction on the item: `set` it (an add,
       * replacing theirs), `clear` it (taking back the one they have), or `keep` it (taking
       * back one they had already replaced). Every change keeps its revision row.
       */
      slot: 'set' | 'clear' | 'keep';
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
  | { op: 'change'; at: bigint; change: StoredChange }
  | {
      /** A membership span starts: the user joined at this change. */
      op: 'join';
      at: bigint;
      conversationId: string;
      userId: string;
      joinedSeq: number;
      joinedCs: number;
    }
  | {
      /** The span that started at `joinedSeq` ends with this change. */
      op: 'leave';
      at: bigint;
      conversationId: string;
      userId: string;
      joinedSeq: number;
      leftCs: number;
    }
  | {
      op: 'ignored';
      at: bigint;
      partition: number;
      event: ConversationEvent;
      reason: string;
      detail: string;
    };

/** Each member's reaction on an item, keyed by `reactionKey` of the item. */
export type ItemReactions = ReadonlyMap<string, ReadonlyMap<string, string>>;

export const reactionKey = (conversationId: string, seq: number) => `${conversationId}/${seq}`;

/**
 * The items whose reactions as stored a batch needs: those it takes a reaction back from.
 * Whether a removal clears the member's reaction depends on what they have, while an add
 * replaces whatever it is.
 */
export function itemsTakenBackFrom(outcomes: PositionedOutcome[]): Array<[string, number]> {
  const items = new Map<string, [string, number]>();
  for (const { event, verdict, target } of outcomes) {
    if (verdict.accepted && event.type === 'ReactionRemoved') {
      items.set(reactionKey(event.conversationId, target!.seq), [
        event.conversationId,
        target!.seq,
      ]);
    }
  }
  return [...items.values()];
}

/** What a conversation's state row becomes at the end of a batch. */
export interface StateWrite {
  conversationId: string;
  state: ConversationState;
  /** The offset after the last event of this conversation the batch applied. */
  appliedThrough: bigint;
}

/** The change log row of an accepted change with a cs. */
function storedChangeOf(outcome: PositionedOutcome): StoredChange {
  const { event, seq, target } = outcome;
  const change: StoredChange = {
    conversationId: event.conversationId,
    cs: outcome.cs!,
    offset: BigInt(outcome.offset),
    kind: CHANGE_KINDS.message,
    eventType: event.type,
    seq: seq ?? target?.seq ?? null,
    userId: null,
    emoji: null,
    present: null,
    receipt: null,
    upToSeq: null,
    deviceId: null,
  };
  switch (event.type) {
    case 'MessageSent':
      return change;
    case 'ConversationCreated':
      return { ...change, kind: CHANGE_KINDS.membership };
    case 'MemberAdded':
    case 'MemberRemoved':
    case 'MemberRoleChanged':
      return { ...change, kind: CHANGE_KINDS.membership, userId: event.userId };
    case 'MessageEdited':
      return { ...change, kind: CHANGE_KINDS.edit, userId: event.editorId };
    case 'MessageDeleted':
      return { ...change, kind: CHANGE_KINDS.delete, userId: event.deletedBy };
    case 'ReactionAdded':
    case 'ReactionRemoved':
      return {
        ...change,
        kind: CHANGE_KINDS.reaction,
        userId: event.userId,
        emoji: event.emoji,
        present: event.type === 'ReactionAdded',
      };
    case 'MessagesDelivered':
    case 'MessagesRead':
      return {
        ...change,
        kind: CHANGE_KINDS.receipt,
        userId: event.userId,
        receipt: event.type === 'MessagesRead' ? 'read' : 'delivered',
        upToSeq: event.upToSeq,
        deviceId: event.type === 'MessagesDelivered' ? event.deviceId : null,
      };
  }
}

/** The membership spans an accepted change starts or ends. */
function spanWrites(outcome: PositionedOutcome, at: bigint): TimelineWrite[] {
  const { event, seq } = outcome;
  const conversationId = event.conversationId;
  const cs = outcome.cs!;
  const join = (userId: string): TimelineWrite => ({
    op: 'join',
    at,
    conversationId,
    userId,
    joinedSeq: seq!,
    joinedCs: cs,
  });
  switch (event.type) {
    case 'ConversationCreated':
      return [...new Set(event.members)].map(join);
    case 'MemberAdded':
      return [join(event.userId)];
    case 'MemberRemoved': {
      const member = outcome.before?.members.get(event.userId);
      return member
        ? [
            {
              op: 'leave',
              at,
              conversationId,
              userId: event.userId,
              joinedSeq: member.joinedSeq,
              leftCs: cs,
            },
          ]
        : [];
    }
    default:
      return [];
  }
}

/**
 * The timeline projection as a pure function of the ledger's outcomes: item rows, message
 * facts, the change log and membership spans first, and then, once those are stored, one
 * state row per conversation touched. `stored` holds the reactions, as the batch found them,
 * of the items in `itemsTakenBackFrom(outcomes)`; the batch folds its own changes over them.
 *
 * A replay may find reactions that later events already wrote; a removal judged against them
 * is written at its own offset, below theirs, so the later writes still win and the item ends
 * as a clean run leaves it.
 */
export function timelineWrites(
  outcomes: PositionedOutcome[],
  stored: ItemReactions = new Map(),
): {
  rows: TimelineWrite[];
  states: StateWrite[];
} {
  const rows: TimelineWrite[] = [];
  const states = new Map<string, StateWrite>();
  const reactions = new Map(stored);
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
    if (outcome.cs !== undefined) {
      rows.push({ op: 'change', at, change: storedChangeOf(outcome) });
      rows.push(...spanWrites(outcome, at));
    }
    const cs = outcome.cs!;
    switch (event.type) {
      case 'MessageSent':
        rows.push({ op: 'item', at, conversationId, seq: seq!, cs, itemKind: 'MESSAGE', event });
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
        rows.push({ op: 'item', at, conversationId, seq: seq!, cs, itemKind: 'NOTICE', event });
        break;
      case 'MessageEdited':
        rows.push({ op: 'edit', at, conversationId, seq: target!.seq, cs, event });
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
      case 'ReactionRemoved': {
        const key = reactionKey(conversationId, target!.seq);
        const before = reactions.get(key) ?? new Map<string, string>();
        const change = { ...event, present: event.type === 'ReactionAdded' };
        reactions.set(key, withReaction(before, change));
        rows.push({
          op: 'reaction',
          at,
          conversationId,
          seq: target!.seq,
          cs,
          emoji: event.emoji,
          userId: event.userId,
          present: change.present,
          slot: change.present ? 'set' : clearsReaction(before, change) ? 'clear' : 'keep',
        });
        break;
      }
      case 'MessagesDelivered':
      case 'MessagesRead':
        // Cursors live in the inbox; the timeline only keeps the state current.
        break;
    }
  }
  return { rows, states: [...states.values()] };
}
