import { SendMessageCommand } from '@chat/commands';
import type { FrameHandler } from './frame-handler';

/**
 * A message sent, answered with what was accepted once the log has it. The command pipeline
 * spends the budget, takes the place and keeps one sender's sends to a conversation in order,
 * as it does for HTTP.
 */
export const sendFrame: FrameHandler<'send'> = async (frame, session, { commands }) => {
  const { conversationId, clientMessageId, kind, body, replyTo, ciphertext, media, mediaId } =
    frame;
  const message = { clientMessageId, kind, body, replyTo, ciphertext, media, mediaId };
  const sent = await commands.execute(
    new SendMessageCommand(session.principal, conversationId, message),
  );
  return session.reply(frame.id, sent.accepted);
};
