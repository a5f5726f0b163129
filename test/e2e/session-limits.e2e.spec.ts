import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { mintToken } from '@chat/auth';
import { CLOSE_CODES } from '@chat/protocol';
import { startCommandApi, type CommandApi } from '../harness/command-api';
import { startGateway, type TestGateway } from '../harness/gateway';
import { rawSocket } from '../harness/raw-socket';

/**
 * What a socket may do and for how long: no longer than its token, no more sockets per user
 * than allowed, reads at a bounded rate (answered, never closed).
 */
let api: CommandApi;
let gateway: TestGateway;
const user = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  api = await startCommandApi();
  gateway = await startGateway({
    GATEWAY_MAX_SOCKETS_PER_USER: '2',
    GATEWAY_READ_RATE_PER_SECOND: '1',
    GATEWAY_READ_RATE_BURST: '3',
  });
});

afterAll(async () => {
  await gateway.close();
  await api.close();
});

const tokenFor = async (userId: string, ttlSeconds: number) =>
  (await mintToken(gateway.config.auth, { userId, deviceId: 'phone' }, ttlSeconds)).token;

describe('tokens', () => {
  it('closes a WebSocket with 4001 token-expired when its token expires', async () => {
    const socket = await rawSocket(gateway.url, await tokenFor(user('brief'), 2));
    await socket.next('synced');
    const opened = Date.now();
    const closed = await socket.closedWithin(5000);
    expect(closed).toEqual({ code: CLOSE_CODES.unauthorized, reason: 'token-expired' });
    expect(Date.now() - opened).toBeLessThan(3500);
  });

  it('ends an event stream with a 4001 token-expired close event when its token expires', async () => {
    const token = await tokenFor(user('brief-sse'), 2);
    const base = gateway.url.replace('ws://', 'http://').replace('/v1/ws', '');
    const response = await fetch(`${base}/v1/stream?access_token=${token}`, {
      signal: AbortSignal.timeout(6000),
    });
    expect(response.status).toBe(200);
    let text = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) text += decoder.decode(chunk as Uint8Array);
    } catch {
      // Timed out: the assertion below says what was missing.
    }
    expect(text).toContain(
      `event: close\ndata: ${JSON.stringify({ code: CLOSE_CODES.unauthorized, reason: 'token-expired' })}`,
    );
  });

  it('refuses a token without exp: 4001 at the socket, 401 at the API', async () => {
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user('forever'))
      .setIssuer(gateway.config.auth.issuer)
      .setAudience(gateway.config.auth.audience)
      .setIssuedAt()
      .sign(new TextEncoder().encode(gateway.config.auth.jwtSecret));
    const socket = await rawSocket(gateway.url, forever, { hello: false });
    expect(await socket.closedWithin(5000)).toEqual({
      code: CLOSE_CODES.unauthorized,
      reason: 'invalid-token',
    });
    const response = await api.request('POST', '/v1/conversations/groups', {
      token: forever,
      body: { title: 'Forever', members: [] },
    });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('invalid-token');
  });
});

describe('limits', () => {
  it('closes a socket past the per-user limit with 4011 too-many-sockets, and admits one once a place is free', async () => {
    const name = user('crowd');
    const token = await tokenFor(name, 600);
    const first = await rawSocket(gateway.url, token);
    const second = await rawSocket(gateway.url, token);
    await Promise.all([first.next('synced'), second.next('synced')]);
    const third = await rawSocket(gateway.url, token);
    expect(await third.closedWithin(5000)).toEqual({
      code: CLOSE_CODES.tooManySockets,
      reason: 'too-many-sockets',
    });
    // Another user is not affected.
    const other = await rawSocket(gateway.url, await tokenFor(user('other'), 600));
    await other.next('synced');
    first.close();
    await first.closed;
    const again = await rawSocket(gateway.url, token);
    await again.next('synced');
    for (const socket of [second, other, again]) socket.close();
  });

  it('counts event streams as sockets: one past the limit ends with a 4011 close event', async () => {
    const token = await tokenFor(user('streamer'), 600);
    const sockets = [await rawSocket(gateway.url, token), await rawSocket(gateway.url, token)];
    await Promise.all(sockets.map((socket) => socket.next('synced')));
    const base = gateway.url.replace('ws://', 'http://').replace('/v1/ws', '');
    const response = await fetch(`${base}/v1/stream?access_token=${token}`, {
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    expect(text).toBe(
      `event: close\ndata: ${JSON.stringify({ code: CLOSE_CODES.tooManySockets, reason: 'too-many-sockets' })}\n\n`,
    );
    for (const socket of sockets) socket.close();
  });

  it('answers reads past the rate with rate-limited and a retry-after, and keeps the socket', async () => {
    const name = user('reader');
    const token = await tokenFor(name, 600);
    // Two sockets of one user share one budget (3 at once, then 1 per second).
    const [a, b] = [await rawSocket(gateway.url, token), await rawSocket(gateway.url, token)];
    await Promise.all([a.next('synced'), b.next('synced')]);
    const answers = await Promise.all(
      ['r1', 'r2', 'r3', 'r4', 'r5'].map((id, i) =>
        (i % 2 === 0 ? a : b).request({ type: 'inbox', id }),
      ),
    );
    const refused = answers.filter((f) => f.type === 'error');
    expect(answers.filter((f) => f.type === 'result')).toHaveLength(3);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toMatchObject({ code: 'rate-limited' });
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(2000);
    }
    // Writes are not reads, and the socket stays open: after the wait, reads go through again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await a.request({ type: 'inbox', id: 'r6' })).toMatchObject({ type: 'result' });
    a.close();
    b.close();
  });
});
