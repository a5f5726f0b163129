import { createECDH, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// http_ece has no types: decrypt(buffer, params) -> Buffer is all we use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ece = require('http_ece') as {
  decrypt(body: Buffer, params: { version: string; privateKey: ECDH; authSecret: string }): Buffer;
};
import { importJWK, jwtVerify } from 'jose';
import { waitFor } from '@chat/events/testing';

/** A browser's side of one subscription: what it registers, and the keys to read pushes. */
export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  id: string;
  ecdh: ECDH;
}

/** A push as the user agent would get it: decrypted, with the headers that steer it. */
export interface ReceivedPush {
  payload: unknown;
  topic: string | undefined;
  urgency: string | undefined;
  ttl: string | undefined;
  at: number;
}

type Scripted = { status: number; retryAfter?: string };

/**
 * A real RFC 8030 push service for tests, on 127.0.0.1: every POST to a subscription's
 * endpoint must carry a valid VAPID authorization (RFC 8292: an ES256 JWT signed with the key
 * in `k`, audience the endpoint's origin, an expiry ahead, a subject) for the expected
 * application server key, and an aes128gcm body (RFC 8291) that the subscription's private key
 * decrypts. Anything else is recorded as a violation, which tests expect to stay empty.
 * Endpoints can be told to answer 410, 500 or 429 for their next requests.
 */
export async function startPushService(options: { vapidPublicKey: string }) {
  const subscriptions = new Map<string, TestSubscription>();
  const received = new Map<string, ReceivedPush[]>();
  const scripts = new Map<string, Scripted[]>();
  const requests = new Map<string, number>();
  const violations: string[] = [];
  let origin = '';

  async function verifyVapid(request: IncomingMessage): Promise<string | undefined> {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(
      request.headers.authorization ?? '',
    );
    if (!match) return `no vapid authorization: ${request.headers.authorization}`;
    const [, token, key] = match;
    if (key !== options.vapidPublicKey) return 'an unexpected application server key';
    const point = Buffer.from(key!, 'base64url');
    if (point.length !== 65 || point[0] !== 4) return 'k is not an uncompressed P-256 point';
    const publicKey = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    try {
      const { payload } = await jwtVerify(token!, publicKey, {
        algorithms: ['ES256'],
        audience: origin,
        requiredClaims: ['exp', 'sub'],
      });
      if (payload.exp! * 1000 <= Date.now()) return 'expired';
      if (payload.exp! * 1000 > Date.now() + 24 * 3600 * 1000) return 'exp more than 24 h ahead';
    } catch (error) {
      return `vapid jwt refused: ${(error as Error).message}`;
    }
    return undefined;
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const id = /^\/push\/([0-9a-f-]+)$/.exec(request.url ?? '')?.[1];
    const subscription = id ? subscriptions.get(id) : undefined;
    if (request.method !== 'POST' || !subscription) {
      response.writeHead(404).end();
      return;
    }
    requests.set(id!, (requests.get(id!) ?? 0) + 1);
    const problem = await verifyVapid(request);
    if (problem) {
      violations.push(`${id}: ${problem}`);
      response.writeHead(403).end();
      return;
    }
    const scripted = scripts.get(id!)?.shift();
    if (scripted) {
      const headers = scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : undefined;
      response.writeHead(scripted.status, headers).end();
      return;
    }
    if (request.headers['content-encoding'] !== 'aes128gcm') {
      violations.push(`${id}: content-encoding ${request.headers['content-encoding']}`);
      response.writeHead(415).end();
      return;
    }
    let payload: unknown;
    try {
      const plain = ece.decrypt(Buffer.concat(chunks), {
        version: 'aes128gcm',
        privateKey: subscription.ecdh,
        authSecret: subscription.keys.auth,
      });
      payload = JSON.parse(plain.toString('utf8'));
    } catch (error) {
      violations.push(`${id}: cannot decrypt: ${(error as Error).message}`);
      response.writeHead(400).end();
      return;
    }
    const header = (name: string) => request.headers[name] as string | undefined;
    const pushes = received.get(id!) ?? [];
    pushes.push({
      payload,
      topic: header('topic'),
      urgency: header('urgency'),
      ttl: header('ttl'),
      at: Date.now(),
    });
    received.set(id!, pushes);
    // RFC 8030 5: 201 Created with the push message's resource.
    response.writeHead(201, { location: `${origin}/message/${randomUUID()}` }).end();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      violations.push(`handler failed: ${(error as Error).message}`);
      response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    /** A new subscription, as a browser would make one: fresh P-256 keys and auth secret. */
    subscribe(): TestSubscription {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const subscription = {
        id,
        ecdh,
        endpoint: `${origin}/push/${id}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
      };
      subscriptions.set(id, subscription);
      return subscription;
    },
    /** The body a client sends to PUT /v1/me/push-subscription. */
    registration: (s: TestSubscription) => ({ endpoint: s.endpoint, keys: s.keys }),
    pushesTo: (s: TestSubscription) => [...(received.get(s.id) ?? [])],
    /** Requests the endpoint got, answered or refused. */
    requestsTo: (s: TestSubscription) => requests.get(s.id) ?? 0,
    waitForPushes(s: TestSubscription, count: number, timeoutMs = 20000) {
      return waitFor(
        `${count} push(es) to ${s.id}`,
        () => ((received.get(s.id)?.length ?? 0) >= count ? this.pushesTo(s) : undefined),
        { timeoutMs },
      );
    },
    /** The endpoint's next requests get these answers instead of a 201. */
    answer(s: TestSubscription, ...answers: Scripted[]) {
      scripts.set(s.id, [...(scripts.get(s.id) ?? []), ...answers]);
    },
    violations: () => [...violations],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TestPushService = Awaited<ReturnType<typeof startPushService>>;
