import type { ConversationState } from '@chat/domain';
import { timelineItemOf, wireCiphertext, type LiveChange, type ProjectedBatch } from '@chat/views';
import type { PositionedOutcome } from '../runtime/conversation-events';

/**
 * Who sees a change: the members after it, and for a removal the removed user too (they learn
 * they were removed, then nothing more). Receipts in a group reach only the reader's own
 * devices (to sync their unread state): a thousand members acknowledging would otherwise
 * send a million frames; senders ask for group receipts when they want them.
 */
function recipientsOf(outcome: PositionedOutcome, state: ConversationState): string[] {
  const { event } = outcome;
  if (
    (event.type === 'MessagesDelivered' || event.type === 'MessagesRead') &&
    state.kind === 'GROUP'
  ) {
    return [event.userId];
  }
  const members = [...state.members.keys()];
  if (event.type === 'MemberRemoved' && !state.members.has(event.userId)) {
    members.push(event.userId);
  }
  return members.sort();
}

function changeOf(outcome: PositionedOutcome): LiveChange | null {
  const { event, seq, target } = outcome;
  switch (event.type) {
    case 'MessageSent':
      return { kind: 'item', item: timelineItemOf(event, seq!, 'MESSAGE') };
    case 'ConversationCreated':
    case 'MemberAdded':
    case 'MemberRemoved':
    case 'MemberRoleChanged':
      return { kind: 'item', item: timelineItemOf(event, seq!, 'NOTICE') };
    case 'MessageEdited':
      return {
        kind: 'edit',
        seq: target!.seq,
        messageId: event.messageId,
        body: event.body,
        ciphertext: wireCiphertext(event.ciphertext),
        editedAt: new Date(event.envelope.occurredAt).toISOString(),
      };
    case 'MessageDeleted':
      return {
        kind: 'delete',
        seq: target!.seq,
        messageId: event.messageId,
        deletedBy: event.deletedBy,
      };
    case 'ReactionAdded':
    case 'ReactionRemoved':
      return {
        kind: 'reaction',
        seq: target!.seq,
        messageId: event.messageId,
        emoji: event.emoji,
        userId: event.userId,
        present: event.type === 'ReactionAdded',
      };
    case 'MessagesDelivered':
    case 'MessagesRead':
      return {
        kind: 'receipt',
        userId: event.userId,
        receipt: event.type === 'MessagesRead' ? 'read' : 'delivered',
        upToSeq: event.upToSeq,
        deviceId: event.type === 'MessagesDelivered' ? event.deviceId : null,
      };
  }
}

/**
 * What a projected batch shows clients, per conversation: accepted events only (an ignored
 * event never reaches anyone), cut into segments wherever the recipients change.
 */
export function liveChanges(outcomes: readonly PositionedOutcome[]): ProjectedBatch[] {
  const batches = new Map<string, ProjectedBatch>();
  for (const outcome of outcomes) {
    if (!outcome.verdict.accepted || !outcome.state) continue;
    const change = changeOf(outcome);
    if (!change) continue;
    const conversationId = outcome.event.conversationId;
    const batch = batches.get(conversationId) ?? { conversationId, segments: [] };
    batches.set(conversationId, batch);
    const recipients = recipientsOf(outcome, outcome.state);
    const last = batch.segments.at(-1);
    if (last && sameUsers(last.recipients, recipients)) last.changes.push(change);
    else batch.segments.push({ recipients, changes: [change] });
  }
  return [...batches.values()];
}

const sameUsers = (a: string[], b: string[]) =>
  a.length === b.length && a.every((user, i) => user === b[i]);
