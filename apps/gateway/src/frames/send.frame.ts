import type { FrameHandler } from './frame-handler';

/** A message sent, answered with what was accepted once the log has it. */
export const sendFrame: FrameHandler<'send'> = async (frame, session, { commands }) => {
  const me = session.userId;
  const { conversationId, clientMessageId, body, replyTo, ciphertext, media, mediaId } = frame;
  const command = { clientMessageId, body, replyTo, ciphertext, media, mediaId };
  // As over HTTP: the user's budget first (a refused send takes no place), then a place
  // among the unanswered sends (the user's share of them), then this conversation's
  // queue. Budgets are asked for at once but answered in arrival order, so the queue
  // is entered in the order the sends came.
  const asked = commands.spend(me);
  // Awaited below, in turn; until then a refusal must not count as unhandled.
  asked.catch(() => undefined);
  await session.sendOrder.inArrivalOrder(asked);
  const sent = await commands.admitted(me, () =>
    session.sendOrder.perConversation.run(conversationId, () =>
      commands.send(session.principal, conversationId, command),
    ),
  );
  return session.reply(frame.id, sent.accepted);
};
