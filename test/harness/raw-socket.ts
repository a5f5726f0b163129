import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@chat/protocol';
import { waitFor } from '@chat/events/testing';

export type Frame = Record<string, unknown> & { type: string };

/**
 * A bare WebSocket client speaking the protocol frame by frame, without the SDK: it records
 * every frame, answers nothing on its own, and says how it closed. For tests of the wire.
 */
export async function rawSocket(
  url: string,
  token: string,
  options: { cursors?: Record<string, number>; v?: number; onFrame?: (frame: Frame) => void } = {},
) {
  const ws = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`);
  const frames: Frame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    options.onFrame?.(frame);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(
    JSON.stringify({
      type: 'hello',
      v: options.v ?? PROTOCOL_VERSION,
      cursors: options.cursors ?? {},
    }),
  );
  let nextId = 0;

  /** The change frames of a conversation so far, in arrival order. */
  const changes = (conversationId: string) =>
    frames.filter((f) => f.conversationId === conversationId && typeof f.cs === 'number');

  return {
    ws,
    frames,
    closed,
    changes,
    /** [type, cs] of a conversation's change frames. */
    typesAndCs: (conversationId: string) =>
      changes(conversationId).map((f) => [f.type, f.cs as number]),
    /** The last cs received per conversation: what a device would save as its cursors. */
    cursors(): Record<string, number> {
      const cursors: Record<string, number> = {};
      for (const f of frames) {
        if (typeof f.cs === 'number' && typeof f.conversationId === 'string') {
          cursors[f.conversationId] = Math.max(cursors[f.conversationId] ?? 0, f.cs);
        }
      }
      return cursors;
    },
    synced: () =>
      waitFor('synced', () => (frames.some((f) => f.type === 'synced') ? true : undefined), {
        timeoutMs: 60000,
      }),
    /** Waits until `done` holds over the frames. */
    until: (what: string, done: (frames: Frame[]) => boolean, timeoutMs = 30000) =>
      waitFor(what, () => (done(frames) ? true : undefined), { timeoutMs, intervalMs: 25 }),
    /** Sends a request and waits for its result (or error) frame. */
    async request(frame: Record<string, unknown>): Promise<Frame> {
      const id = `q${++nextId}`;
      ws.send(JSON.stringify({ ...frame, id }));
      return waitFor(`an answer to ${id}`, () => frames.find((f) => f.id === id), {
        timeoutMs: 30000,
        intervalMs: 10,
      });
    },
    close: () => ws.close(),
  };
}

export type RawSocket = Awaited<ReturnType<typeof rawSocket>>;
