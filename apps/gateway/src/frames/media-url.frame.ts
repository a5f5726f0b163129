import { IssueMediaDownloadUrlCommand } from '@chat/commands';
import type { FrameHandler } from './frame-handler';

/** A short-lived download URL for a message's media. */
export const mediaUrlFrame: FrameHandler<'media.url'> = async (frame, session, { commands }) =>
  session.reply(
    frame.id,
    await commands.execute(
      new IssueMediaDownloadUrlCommand(session.principal, frame.conversationId, frame.messageId),
    ),
  );
