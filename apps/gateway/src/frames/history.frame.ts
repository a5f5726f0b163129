import type { FrameHandler } from './frame-handler';

/** A page of a conversation's items, newest first. */
export const historyFrame: FrameHandler<'history'> = async (frame, session, { queries }) =>
  session.reply(
    frame.id,
    await queries.history(session.userId, frame.conversationId, {
      beforeSeq: frame.beforeSeq,
      limit: frame.limit,
    }),
  );
