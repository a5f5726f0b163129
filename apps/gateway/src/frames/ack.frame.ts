import { AcknowledgeDeliveredCommand } from '@chat/commands';
import type { FrameHandler } from './frame-handler';

/** This device has the conversation's items up to a seq. */
export const ackFrame: FrameHandler<'ack'> = async (frame, session, { commands }) => {
  const { conversationId, upToSeq } = frame;
  const deviceId = session.principal.deviceId ?? null;
  return session.reply(
    frame.id,
    await commands.execute(
      new AcknowledgeDeliveredCommand(session.principal, { conversationId, upToSeq, deviceId }),
    ),
  );
};
