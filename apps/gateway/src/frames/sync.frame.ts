import type { FrameHandler } from './frame-handler';

/** The changes after a cs, oldest first: how a client pages past a resume or repairs a gap. */
export const syncFrame: FrameHandler<'sync'> = async (frame, session, { queries }) =>
  session.reply(
    frame.id,
    await queries.changesAfter(session.userId, frame.conversationId, frame.afterCs, {
      limit: frame.limit,
    }),
  );
