import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import type { TokenVerifier, VerifiedPrincipal } from '@chat/auth';
import type { Config } from '@chat/config';
import type { SessionRegistry } from '../sessions/session-registry';
import { SseController } from './sse.controller';

const principal = { userId: 'alice', deviceId: 'laptop', expiresAt: Date.now() + 60_000 };

/** A request, a response that records what was written, and a registry that records sessions. */
function streamWith(verify: () => Promise<VerifiedPrincipal>, refusal: unknown = null) {
  const request = Object.assign(new EventEmitter(), {
    headers: { authorization: 'Bearer t' },
    url: '/v1/stream',
    query: {},
  });
  const written: string[] = [];
  const response = {
    statusCode: 200,
    headers: {} as Record<string, string>,
    writableLength: 0,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    type() {
      return this;
    },
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
    send(body: unknown) {
      written.push(JSON.stringify(body));
      return this;
    },
    writeHead(code: number) {
      this.statusCode = code;
    },
    write(text: string) {
      written.push(text);
      return true;
    },
    end() {},
  };
  const opened: unknown[] = [];
  const heartbeats: unknown[] = [];
  const sessions = {
    connectRefusal: () => refusal as null,
    open: (p: unknown) => {
      opened.push(p);
      return { start: async () => undefined } as never;
    },
    close: () => undefined,
    heartbeat: (session: unknown) => heartbeats.push(session),
  } as unknown as SessionRegistry;
  const config = { gateway: { pingIntervalMs: 5, maxBufferedBytes: 1 << 20 } } as Config;
  const controller = new SseController(sessions, { verify } as unknown as TokenVerifier, config);
  const run = () =>
    controller.stream(request as unknown as Request, response as unknown as Response);
  return { request, response, written, opened, heartbeats, run };
}

describe('the event stream', () => {
  it('opens no session for a client gone while its token was checked', async () => {
    let verified: (p: VerifiedPrincipal) => void = () => undefined;
    const stream = streamWith(() => new Promise((resolve) => (verified = resolve)));
    const running = stream.run();
    stream.request.emit('close');
    verified(principal);
    await running;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stream.opened).toEqual([]);
    expect(stream.heartbeats).toEqual([]);
    expect(stream.written).toEqual([]);
  });

  it('refuses a connection past the user budget with 429 and Retry-After', async () => {
    const stream = streamWith(async () => principal, {
      code: 'rate-limited',
      message: 'too many connections: retry in 1500 ms',
      retryAfterMs: 1500,
    });
    await stream.run();
    expect(stream.response.statusCode).toBe(429);
    expect(stream.response.headers['Retry-After']).toBe('2');
    expect(JSON.parse(stream.written[0]!)).toMatchObject({ status: 429, code: 'rate-limited' });
    expect(stream.opened).toEqual([]);
  });

  it('answers with the same problem as the command API: the wait in the body and the header', async () => {
    const stream = streamWith(async () => principal, {
      code: 'rate-limited',
      message: 'too many connections: retry in 1500 ms',
      retryAfterMs: 1500,
    });
    await stream.run();
    expect(JSON.parse(stream.written[0]!)).toEqual({
      status: 429,
      code: 'rate-limited',
      title: 'Too Many Requests',
      detail: 'too many connections: retry in 1500 ms',
      retriable: true,
      retryAfterMs: 1500,
    });
  });
});
