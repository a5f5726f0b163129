import type { ConversationEvent } from '@chat/events';
import type { IgnoredEvent } from '../runtime/ignored-events';
import type { PositionedOutcome } from '../runtime/conversation-events';
import type { InboxConversation } from '@chat/views';
import { DELETED_PREVIEW, previewOf } from './previews';

export interface MembershipRow {
  conversationId: string;
  userId: string;
  role: string;
  joinedSeq: number;
  /** At least this much: the writer keeps the larger of this and what is stored. */
  readSeq: number;
  deliveredSeq: number;
  /** What this membership took part in (see MembershipFacts); merged with what is stored. */
  facts: MembershipFacts;
}

/**
 * Who a member is to the others, from events in the conversation alone (so a rebuild writes
 * the same): `engaged` once they created it or sent in it; `addedBy` the member who added them
 * to a group. Presence and typing are shown by these facts (see PresenceAudience in @chat/views).
 * A membership that starts again (re-added) starts with new facts.
 */
export interface MembershipFacts {
  engaged: boolean;
  addedBy: string | null;
}

export interface DeviceDelivery {
  conversationId: string;
  userId: string;
  deviceId: string;
  deliveredSeq: number;
}

/** Everything one batch changes in the inbox, one write per row however many events touched it. */
export interface InboxChanges {
  conversations: InboxConversation[];
  memberships: MembershipRow[];
  /**
   * Memberships that ended in the batch, re-added ones included: their rows and device cursors
   * go before the batch's memberships and deliveries are written, as if applied one by one.
   */
  removedMembers: Array<{ conversationId: string; userId: string }>;
  deliveries: DeviceDelivery[];
  sentMessages: Array<{ event: Extract<ConversationEvent, { type: 'MessageSent' }>; seq: number }>;
  /** [conversationId, messageId] of messages deleted for everyone. */
  deletedMessages: Array<[string, string]>;
  ignored: IgnoredEvent[];
}

const memberKey = (conversationId: string, userId: string) => `${conversationId}\u0000${userId}`;

/**
 * The inbox projection as a pure function: the conversations a batch touches, as stored, plus
 * the ledger's outcomes in log order, give the rows to write. Coalesced: a hundred messages in
 * one conversation make one conversation row and one cursor row per member involved.
 */
export function inboxChanges(
  loaded: InboxConversation[],
  outcomes: PositionedOutcome[],
): InboxChanges {
  const conversations = new Map(loaded.map((c) => [c.state.conversationId, c]));
  const touched = new Set<string>();
  const cursors = new Map<string, { readSeq: number; deliveredSeq: number }>();
  const deliveries = new Map<string, DeviceDelivery>();
  const facts = new Map<string, MembershipFacts>();
  const ended = new Map<string, { conversationId: string; userId: string }>();
  const factsOf = (conversationId: string, userId: string) => {
    const key = memberKey(conversationId, userId);
    const found = facts.get(key) ?? { engaged: false, addedBy: null };
    facts.set(key, found);
    return found;
  };
  const changes: InboxChanges = {
    conversations: [],
    memberships: [],
    removedMembers: [],
    deliveries: [],
    sentMessages: [],
    deletedMessages: [],
    ignored: [],
  };

  const advance = (conversationId: string, userId: string, read: number, delivered: number) => {
    const key = memberKey(conversationId, userId);
    const cursor = cursors.get(key) ?? { readSeq: 0, deliveredSeq: 0 };
    cursors.set(key, {
      readSeq: Math.max(cursor.readSeq, read),
      deliveredSeq: Math.max(cursor.deliveredSeq, delivered, read),
    });
  };

  for (const outcome of outcomes) {
    const { event, verdict, seq, state } = outcome;
    if (!verdict.accepted) {
      changes.ignored.push({ ...outcome, reason: verdict.reason, detail: verdict.detail });
      continue;
    }
    const id = event.conversationId;
    const at = new Date(event.envelope.occurredAt);
    touched.add(id);
    if (event.type === 'ConversationCreated') {
      conversations.set(id, {
        state: state!,
        creatorId: event.creatorId,
        createdAt: at,
        lastMessageId: null,
        lastMessageSenderId: null,
        lastMessagePreview: null,
        lastActivityAt: at,
      });
    }
    const row = conversations.get(id)!;
    row.state = state!;

    if (seq !== undefined) {
      row.lastActivityAt = at;
      row.lastMessageId = event.type === 'MessageSent' ? event.messageId : null;
      row.lastMessageSenderId = event.envelope.actor.userId;
      row.lastMessagePreview = previewOf(event);
      // Whoever did something has seen it: your own message is never unread for you.
      if (state!.members.has(event.envelope.actor.userId)) {
        advance(id, event.envelope.actor.userId, seq, seq);
      }
    }

    switch (event.type) {
      case 'ConversationCreated':
        for (const userId of event.members) {
          advance(id, userId, seq!, seq!);
          const group = event.kind === 'GROUP' && userId !== event.creatorId;
          facts.set(memberKey(id, userId), {
            engaged: userId === event.creatorId,
            addedBy: group ? event.creatorId : null,
          });
        }
        break;
      case 'MemberRemoved': {
        // Whatever the batch gathered for this membership ends with it: a receipt from one of
        // its devices earlier in the batch must not outlive it when the rows are written.
        const key = memberKey(id, event.userId);
        cursors.delete(key);
        facts.delete(key);
        for (const [delivery, row] of deliveries) {
          if (row.conversationId === id && row.userId === event.userId) deliveries.delete(delivery);
        }
        ended.set(key, { conversationId: id, userId: event.userId });
        break;
      }
      case 'MemberAdded':
        // A member joins with everything before them read; a re-added member starts over.
        cursors.set(memberKey(id, event.userId), { readSeq: seq!, deliveredSeq: seq! });
        facts.set(memberKey(id, event.userId), { engaged: false, addedBy: event.addedBy });
        break;
      case 'MessageSent':
        changes.sentMessages.push({ event, seq: seq! });
        factsOf(id, event.senderId).engaged = true;
        break;
      case 'MessageEdited':
        if (row.lastMessageId === event.messageId) row.lastMessagePreview = previewOf(event);
        break;
      case 'MessageDeleted':
        changes.deletedMessages.push([event.conversationId, event.messageId]);
        if (row.lastMessageId === event.messageId) row.lastMessagePreview = DELETED_PREVIEW;
        break;
      case 'MessagesDelivered': {
        // Cumulative, and never past the last item that existed at this point of the log.
        const upTo = Math.min(event.upToSeq, state!.lastSeq);
        advance(id, event.userId, 0, upTo);
        const key = `${memberKey(id, event.userId)}\u0000${event.deviceId}`;
        const previous = deliveries.get(key)?.deliveredSeq ?? 0;
        deliveries.set(key, {
          conversationId: id,
          userId: event.userId,
          deviceId: event.deviceId,
          deliveredSeq: Math.max(previous, upTo),
        });
        break;
      }
      case 'MessagesRead':
        advance(id, event.userId, Math.min(event.upToSeq, state!.lastSeq), 0);
        break;
      default:
        break;
    }
  }

  for (const id of touched) {
    const row = conversations.get(id)!;
    changes.conversations.push(row);
  }
  const touchedMembers = new Set(
    [...cursors.keys()].concat(
      outcomes
        .filter(
          (o) => o.verdict.accepted && 'userId' in o.event && o.event.type.startsWith('Member'),
        )
        .map((o) => memberKey(o.event.conversationId, (o.event as { userId: string }).userId)),
    ),
  );
  for (const key of touchedMembers) {
    const [conversationId, userId] = key.split('\u0000') as [string, string];
    const member = conversations.get(conversationId)?.state.members.get(userId);
    if (!member) continue;
    const cursor = cursors.get(key) ?? { readSeq: 0, deliveredSeq: 0 };
    changes.memberships.push({
      conversationId,
      userId,
      role: member.role,
      joinedSeq: member.joinedSeq,
      readSeq: Math.max(cursor.readSeq, member.joinedSeq),
      deliveredSeq: Math.max(cursor.deliveredSeq, member.joinedSeq),
      facts: facts.get(key) ?? { engaged: false, addedBy: null },
    });
  }
  changes.removedMembers = [...ended.values()];
  changes.deliveries = [...deliveries.values()];
  return changes;
}
