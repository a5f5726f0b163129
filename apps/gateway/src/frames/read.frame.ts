import { MarkReadCommand } from '@chat/commands';
import type { FrameHandler } from './frame-handler';

/** The user has read the conversation up to a seq. */
export const readFrame: FrameHandler<'read'> = async (frame, session, { commands }) => {
  const { conversationId, upToSeq } = frame;
  return session.reply(
    frame.id,
    await commands.execute(new MarkReadCommand(session.principal, { conversationId, upToSeq })),
  );
};
