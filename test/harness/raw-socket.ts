import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@chat/protocol';
import { waitFor } from '@chat/events/testing';

export type Frame = Record<string, unknown> & { type: string };

export interface RawSocketOptions {
  /** Send `hello` on open (default true); false to test what happens without one. */
  hello?: boolean;
  /** The cursors the hello carries: the last cs per conversation. */
  cursors?: Record<string, number>;
  /** The protocol version the hello claims (default this build's). */
  v?: number;
  onFrame?: (frame: Frame) => void;
}

/**
 * A bare WebSocket client speaking the protocol frame by frame, without the SDK: it records
 * every frame, answers nothing on its own, and says how it closed. For tests of the wire.
 */
export async function rawSocket(url: string, token: string, options: RawSocketOptions = {}) {
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
  const send = (frame: Record<string, unknown>) => ws.send(JSON.stringify(frame));
  if (options.hello ?? true) {
    send({ type: 'hello', v: options.v ?? PROTOCOL_VERSION, cursors: options.cursors ?? {} });
  }
  let nextId = 0;

  /** The first frame (taken off the list) that matches, waiting up to `timeoutMs`. */
  const next = async (match: string | ((frame: Frame) => boolean), timeoutMs = 10000) => {
    const matches = typeof match === 'string' ? (f: Frame) => f.type === match : match;
    const found = await waitFor(`a frame ${String(match)}`, () => frames.find(matches), {
      timeoutMs,
      intervalMs: 10,
    });
    frames.splice(frames.indexOf(found), 1);
    return found;
  };

  /** The change frames of a conversation so far, in arrival order. */
  const changes = (conversationId: string) =>
    frames.filter((f) => f.conversationId === conversationId && typeof f.cs === 'number');

  return {
    ws,
    frames,
    closed,
    send,
    next,
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
    /** Sends a request frame (an id is drawn if it has none) and waits for its result or error. */
    request(frame: Record<string, unknown>, timeoutMs = 30000): Promise<Frame> {
      const id = typeof frame.id === 'string' ? frame.id : `q${++nextId}`;
      send({ ...frame, id });
      return next((f) => f.id === id && (f.type === 'result' || f.type === 'error'), timeoutMs);
    },
    /** How the socket closed, or 'still open' after `timeoutMs`. */
    closedWithin(timeoutMs: number) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'still open'>((resolve) => {
        timer = setTimeout(() => resolve('still open'), timeoutMs);
      });
      return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
    },
    close: () => ws.close(),
  };
}

export type RawSocket = Awaited<ReturnType<typeof rawSocket>>;
