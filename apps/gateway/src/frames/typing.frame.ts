import type { FrameHandler } from './frame-handler';

/** The user is typing: told to the members who may see them. */
export const typingFrame: FrameHandler<'typing'> = (frame, session, deps) =>
  deps.relayTyping(frame.conversationId, session.userId, session.connectionId);
