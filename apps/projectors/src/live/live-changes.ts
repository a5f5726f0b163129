import { sightOf, type ConversationState, type Member } from '@chat/domain';
import { timelineItemOf, wireCiphertext, type LiveChange, type ProjectedBatch } from '@chat/views';
import type { PositionedOutcome } from '../runtime/conversation-events';
import { addToBatch } from './projected-batches';

/**
 * Who hears of a change, and with which membership: the members after it, and for a removal
 * the removed user too (they learn they were removed, then nothing more).
 */
function audienceOf(outcome: PositionedOutcome, state: ConversationState): Map<string, Member> {
  const audience = new Map(state.members);
  const { event } = outcome;
  if (event.type === 'MemberRemoved' && !state.members.has(event.userId)) {
    const removed = outcome.before?.members.get(event.userId);
    if (removed) audience.set(event.userId, removed);
  }
  return audience;
}

function changeOf(outcome: PositionedOutcome): LiveChange {
  const { event, seq, target } = outcome;
  const cs = outcome.cs!;
  switch (event.type) {
    case 'MessageSent':
      return { type: 'message', cs, seq: seq!, item: timelineItemOf(event, seq!, 'MESSAGE') };
    case 'ConversationCreated':
    case 'MemberAdded':
    case 'MemberRemoved':
    case 'MemberRoleChanged':
      return { type: 'membership', cs, seq: seq!, item: timelineItemOf(event, seq!, 'NOTICE') };
    case 'MessageEdited':
      return {
        type: 'edit',
        cs,
        seq: target!.seq,
        messageId: event.messageId,
        body: event.body,
        ciphertext: wireCiphertext(event.ciphertext),
        editedAt: new Date(event.envelope.occurredAt).toISOString(),
      };
    case 'MessageDeleted':
      return {
        type: 'delete',
        cs,
        seq: target!.seq,
        messageId: event.messageId,
        deletedBy: event.deletedBy,
      };
    case 'ReactionAdded':
    case 'ReactionRemoved':
      return {
        type: 'reaction',
        cs,
        seq: target!.seq,
        messageId: event.messageId,
        emoji: event.emoji,
        userId: event.userId,
        present: event.type === 'ReactionAdded',
      };
    case 'MessagesDelivered':
    case 'MessagesRead':
      return {
        type: 'receipt',
        ...(outcome.cs === undefined ? {} : { cs }),
        userId: event.userId,
        receipt: event.type === 'MessagesRead' ? 'read' : 'delivered',
        upToSeq: event.upToSeq,
        deviceId: event.type === 'MessagesDelivered' ? event.deviceId : null,
      };
  }
}

/**
 * What a projected batch shows clients, per conversation: accepted events only (an ignored
 * event never reaches anyone), each change with its cs to those who may see it and as a
 * `skip` to members who may not (a change to an item from before they joined), cut into
 * segments wherever the recipients change. Receipts in a group have no cs and reach only the
 * reader's own devices (to sync their unread state): a thousand members acknowledging would
 * otherwise send a million frames; senders ask for group receipts when they want them.
 */
export function liveChanges(outcomes: readonly PositionedOutcome[]): ProjectedBatch[] {
  const batches = new Map<string, ProjectedBatch>();
  for (const outcome of outcomes) {
    if (!outcome.verdict.accepted || !outcome.state) continue;
    const { event } = outcome;
    const change = changeOf(outcome);
    if (outcome.cs === undefined) {
      addToBatch(batches, event.conversationId, [(event as { userId: string }).userId], change);
      continue;
    }
    const sees: string[] = [];
    const skips: string[] = [];
    const targetSeq = outcome.target?.seq ?? null;
    for (const [userId, member] of audienceOf(outcome, outcome.state)) {
      const sight = sightOf(member, { eventType: event.type, targetSeq });
      if (sight === 'change') sees.push(userId);
      else if (sight === 'skip') skips.push(userId);
    }
    addToBatch(batches, event.conversationId, sees, change);
    addToBatch(batches, event.conversationId, skips, { type: 'skip', cs: outcome.cs });
  }
  return [...batches.values()];
}
