import type { DecisionQuery } from '@chat/domain';

/** A member's own setting about a conversation (mute): decided on their membership alone. */
export const muteDecisionQueryOf = (userId: string, conversationId: string): DecisionQuery => ({
  conversationId,
  memberIds: [userId],
  messageId: null,
  sentBy: null,
});
