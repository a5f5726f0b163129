import type { ClientFrame, ClientFrameType } from '@chat/protocol';
import type { Session } from '../sessions/session';
import type { SessionDeps } from '../sessions/session-deps';
import { ackFrame } from './ack.frame';
import type { FrameHandler, FrameHandlers } from './frame-handler';
import { helloFrame } from './hello.frame';
import { historyFrame } from './history.frame';
import { inboxFrame } from './inbox.frame';
import { mediaUrlFrame } from './media-url.frame';
import { presenceSubscribeFrame } from './presence-subscribe.frame';
import { presenceUnsubscribeFrame } from './presence-unsubscribe.frame';
import { readFrame } from './read.frame';
import { searchFrame } from './search.frame';
import { sendFrame } from './send.frame';
import { syncFrame } from './sync.frame';
import { typingFrame } from './typing.frame';

/** Every client frame type and what a session does with it. */
export const FRAME_HANDLERS: FrameHandlers = {
  hello: helloFrame,
  send: sendFrame,
  ack: ackFrame,
  read: readFrame,
  typing: typingFrame,
  'presence.subscribe': presenceSubscribeFrame,
  'presence.unsubscribe': presenceUnsubscribeFrame,
  'media.url': mediaUrlFrame,
  history: historyFrame,
  sync: syncFrame,
  search: searchFrame,
  inbox: inboxFrame,
};

export function handleFrame(
  frame: ClientFrame,
  session: Session,
  deps: SessionDeps,
): void | Promise<void> {
  // The table is keyed by type, so the handler found is the one for this frame: TypeScript
  // does not follow a union through a lookup by its own discriminant.
  const handler = FRAME_HANDLERS[frame.type] as FrameHandler<ClientFrameType>;
  return handler(frame, session, deps);
}
