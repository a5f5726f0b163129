import type { FrameHandler } from './frame-handler';

/** A short-lived download URL for a message's media. */
export const mediaUrlFrame: FrameHandler<'media.url'> = async (frame, session, { commands }) =>
  session.reply(
    frame.id,
    await commands.mediaUrl(session.principal, frame.conversationId, frame.messageId),
  );
