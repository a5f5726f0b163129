import type { FrameHandler } from './frame-handler';

/** Full-text search over the messages the user may read. */
export const searchFrame: FrameHandler<'search'> = async (frame, session, { queries }) => {
  const { q, conversationId, senderId, from, to, limit, after } = frame;
  return session.reply(
    frame.id,
    await queries.search(session.userId, q, { conversationId, senderId, from, to, limit, after }),
  );
};
