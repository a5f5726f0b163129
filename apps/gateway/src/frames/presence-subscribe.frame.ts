import type { FrameHandler } from './frame-handler';

/** These users' presence now, and every change of it while the watch lasts. */
export const presenceSubscribeFrame: FrameHandler<'presence.subscribe'> = async (
  frame,
  session,
  deps,
) => {
  const states = await deps.queries.presence(session.userId, frame.userIds);
  deps.watchPresence(session, frame.userIds);
  // The answer shows them: a refresh finding the same state sends nothing more.
  for (const state of states) session.presenceShown.changed(state);
  return session.reply(frame.id, { presence: states });
};
