import type { ClientFrame, ClientFrameType } from '@chat/protocol';
import type { Session } from '../sessions/session';
import type { SessionDeps } from '../sessions/session-deps';

/** The client frame of one type. */
export type FrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;

/**
 * What a session does with a client frame of one type. A failure it throws is answered by the
 * session with an `error` frame; a result is the handler's to send (`session.reply`).
 */
export type FrameHandler<T extends ClientFrameType> = (
  frame: FrameOf<T>,
  session: Session,
  deps: SessionDeps,
) => void | Promise<void>;

/** A handler for every frame type: a type added to the protocol without one does not compile. */
export type FrameHandlers = { readonly [T in ClientFrameType]: FrameHandler<T> };
