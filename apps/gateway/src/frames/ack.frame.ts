import type { FrameHandler } from './frame-handler';

/** This device has the conversation's items up to a seq. */
export const ackFrame: FrameHandler<'ack'> = async (frame, session, { commands }) =>
  session.reply(
    frame.id,
    await commands.delivered(session.principal, frame.conversationId, {
      upToSeq: frame.upToSeq,
      ...(session.principal.deviceId ? { deviceId: session.principal.deviceId } : {}),
    }),
  );
