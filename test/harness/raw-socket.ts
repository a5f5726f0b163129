import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@chat/protocol';

export type Frame = Record<string, unknown> & { type: string };

/**
 * A raw WebSocket on a gateway that records every frame and how it closed: for tests of what
 * the server does on the wire, below the SDK.
 */
export async function rawSocket(url: string, token: string, options: { hello?: boolean } = {}) {
  const ws = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`);
  const frames: Frame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (frame: Record<string, unknown>) => ws.send(JSON.stringify(frame));
  if (options.hello ?? true) send({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} });
  /** The first frame (taken off the list) that matches, waiting up to `timeoutMs`. */
  const next = async (match: string | ((frame: Frame) => boolean), timeoutMs = 10000) => {
    const matches = typeof match === 'string' ? (f: Frame) => f.type === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = frames.find(matches);
      if (found) {
        frames.splice(frames.indexOf(found), 1);
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(`no frame ${String(match)}; got ${JSON.stringify(frames)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  /** Sends a request frame and waits for its `result` or `error`. */
  const request = async (frame: Record<string, unknown> & { id: string }, timeoutMs = 10000) => {
    send(frame);
    return next((f) => f.id === frame.id && (f.type === 'result' || f.type === 'error'), timeoutMs);
  };
  /** How the socket closed, or 'still open' after `timeoutMs`. */
  const closedWithin = (timeoutMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'still open'>((resolve) => {
      timer = setTimeout(() => resolve('still open'), timeoutMs);
    });
    return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
  };
  return { ws, frames, closed, closedWithin, send, next, request, close: () => ws.close() };
}

export type RawSocket = Awaited<ReturnType<typeof rawSocket>>;
