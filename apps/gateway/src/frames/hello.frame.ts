import { CLOSE_CODES, PROTOCOL_VERSION, refuse } from '@chat/protocol';
import type { FrameHandler } from './frame-handler';

/** Opens the session: `welcome`, then what the client missed after its cursors, then live. */
export const helloFrame: FrameHandler<'hello'> = (frame, session) => {
  // Said once per connection: a repeat is a client's mistake, counted as a bad frame.
  if (!session.isNew) {
    return session.badFrame(frame.id, refuse('bad-page', 'hello was already said'));
  }
  if (frame.v !== PROTOCOL_VERSION) {
    session.close(CLOSE_CODES.unsupportedVersion, `this server speaks version ${PROTOCOL_VERSION}`);
    return;
  }
  session.open();
  session.send({
    type: 'welcome',
    v: PROTOCOL_VERSION,
    userId: session.userId,
    deviceId: session.principal.deviceId,
    connectionId: session.connectionId,
  });
  session.changes.resume(frame.cursors);
};
