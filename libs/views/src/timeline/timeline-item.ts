import type { Ciphertext, ConversationEvent } from '@chat/events';
import type { TimelineItem } from './timeline-store';

/** Notices keep what the event says, minus what the item already has. */
function noticeOf(event: ConversationEvent): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...event };
  for (const known of ['envelope', 'type', 'conversationId']) delete fields[known];
  return fields;
}

/**
 * The timeline item a message or membership change becomes, as readers see it when it is
 * new: what the projector inserts and what the gateway pushes live are the same object.
 */
export function timelineItemOf(
  event: ConversationEvent,
  seq: number,
  itemKind: TimelineItem['itemKind'],
): TimelineItem {
  const sent = event.type === 'MessageSent' ? event : null;
  return {
    conversationId: event.conversationId,
    seq,
    itemKind,
    eventType: event.type,
    messageId: sent?.messageId ?? null,
    actorId: sent?.senderId ?? event.envelope.actor.userId,
    kind: sent?.kind ?? null,
    body: sent?.body ?? null,
    ciphertext: wireCiphertext(sent?.ciphertext ?? null),
    media: sent?.media ?? null,
    replyTo: sent?.replyTo ?? null,
    notice: itemKind === 'NOTICE' ? noticeOf(event) : null,
    occurredAt: new Date(event.envelope.occurredAt).toISOString(),
    editedAt: null,
    deleted: false,
    deletedBy: null,
    reactions: {},
  };
}

/** An event's ciphertext as readers get it: the opaque bytes as base64 text. */
export const wireCiphertext = (ciphertext: Ciphertext | null) =>
  ciphertext ? { algorithm: ciphertext.algorithm, data: ciphertext.data.toString('base64') } : null;

/** Readers get ciphertext as base64 text; the table stores the bytes it stands for. */
export const ciphertextBytes = (ciphertext: { data: string } | null) =>
  ciphertext ? Buffer.from(ciphertext.data, 'base64') : null;
