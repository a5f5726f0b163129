import type { FrameHandler } from './frame-handler';

/** A page of the user's conversations, by last activity. */
export const inboxFrame: FrameHandler<'inbox'> = async (frame, session, { queries }) =>
  session.reply(
    frame.id,
    await queries.inboxOf(session.userId, { after: frame.after, limit: frame.limit }),
  );
