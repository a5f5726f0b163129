/** The body of a 202 for events that name no conversation: the ids of the events now in the log. */
export const appended = (eventIds: string[]) => ({ eventIds });

/** The body of a 202: which conversation, and the ids of the events now in the log. */
export const accepted = (conversationId: string, eventIds: string[], messageId?: string) => ({
  conversationId,
  ...(messageId ? { messageId } : {}),
  ...appended(eventIds),
});

export type Appended = ReturnType<typeof appended>;
export type Accepted = ReturnType<typeof accepted>;
