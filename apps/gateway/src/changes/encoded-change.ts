import type { ChangeFrame } from '@chat/protocol';
import type { LiveChange } from '@chat/views';

/**
 * A live change's frame as UTF-8, made once for every session it goes to: a message to a group
 * is the same frame on every member's socket, and serializing it per socket made the fan-out
 * cost grow with the group.
 */
const encodedChanges = new WeakMap<LiveChange, { conversationId: string; bytes: Buffer }>();

export function encodedChange(frame: ChangeFrame, change: LiveChange): Buffer {
  const known = encodedChanges.get(change);
  if (known?.conversationId === frame.conversationId) return known.bytes;
  const bytes = Buffer.from(JSON.stringify(frame));
  encodedChanges.set(change, { conversationId: frame.conversationId, bytes });
  return bytes;
}
