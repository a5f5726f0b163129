import type { ChatEvent, ConversationEvent } from '@chat/events';

/** The body of a 202 for events that name no conversation: the ids of the events now in the log. */
export const appended = (events: ChatEvent[]) => ({
  eventIds: events.map((event) => event.envelope.eventId),
});

/** The body of a 202: which conversation, and the ids of the events now in the log. */
export const accepted = (
  conversationId: string,
  events: ConversationEvent[],
  messageId?: string,
) => ({
  conversationId,
  ...(messageId ? { messageId } : {}),
  ...appended(events),
});
