import type { ConversationEvent } from '@chat/events';

/** The body of a 202: which conversation, and the ids of the events now in the log. */
export const accepted = (
  conversationId: string,
  events: ConversationEvent[],
  messageId?: string,
) => ({
  conversationId,
  ...(messageId ? { messageId } : {}),
  eventIds: events.map((event) => event.envelope.eventId),
});
