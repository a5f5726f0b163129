import type { FrameHandler } from './frame-handler';

export const presenceUnsubscribeFrame: FrameHandler<'presence.unsubscribe'> = (
  frame,
  session,
  deps,
) => {
  deps.unwatchPresence(session, frame.userIds);
  session.presenceShown.forget(frame.userIds);
  return session.reply(frame.id, { unsubscribed: frame.userIds });
};
