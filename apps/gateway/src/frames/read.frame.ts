import type { FrameHandler } from './frame-handler';

/** The user has read the conversation up to a seq. */
export const readFrame: FrameHandler<'read'> = async (frame, session, { commands }) =>
  session.reply(
    frame.id,
    await commands.read(session.principal, frame.conversationId, { upToSeq: frame.upToSeq }),
  );
