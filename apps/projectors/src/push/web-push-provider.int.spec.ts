import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configDefaults } from '@chat/config';
import { webPushProvider } from './web-push-provider';

/** The Web Push provider against push services on loopback: where it connects, and redirects. */
const subscription = {
  userId: 'u',
  deviceId: 'd',
  p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
  auth: 'tBHItJI5svbpez7KI4CCXg',
};
const options = { topic: 't', urgency: 'high' as const, ttlSeconds: 60 };
const provider = webPushProvider(configDefaults().push.vapid);
const LOOPBACK = { address: '127.0.0.1', family: 4 as const };

function serve(answer: (hits: number) => [number, Record<string, string>?]) {
  const seen: Array<{ host: string | undefined; url: string | undefined }> = [];
  const server = createServer((request, response) => {
    seen.push({ host: request.headers.host, url: request.url });
    request.resume();
    const [status, headers] = answer(seen.length);
    response.writeHead(status, headers).end();
  });
  return new Promise<{ server: Server; port: number; seen: typeof seen }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, seen }),
    ),
  );
}

const closeAll = (...servers: Server[]) =>
  Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));

describe('the Web Push provider', () => {
  it('should not follow a redirect: a 3xx is the answer, and the target hears nothing', async () => {
    const inside = await serve(() => [201]);
    const redirecting = await serve(() => [
      307,
      { location: `http://127.0.0.1:${inside.port}/internal` },
    ]);
    try {
      const attempt = await provider.send(
        { ...subscription, endpoint: `http://127.0.0.1:${redirecting.port}/push/1` },
        '{}',
        options,
        LOOPBACK,
      );
      expect(attempt).toMatchObject({ kind: 'failed', status: 307 });
      expect(redirecting.seen).toHaveLength(1);
      expect(inside.seen).toEqual([]);
    } finally {
      await closeAll(inside.server, redirecting.server);
    }
  });

  it('should connect to the address it is given, naming the endpoint host in the request', async () => {
    const service = await serve(() => [201]);
    try {
      // The name resolves nowhere: only the pinned address is ever connected to.
      const attempt = await provider.send(
        { ...subscription, endpoint: `http://push.invalid:${service.port}/push/2` },
        '{}',
        options,
        LOOPBACK,
      );
      expect(attempt).toEqual({ kind: 'sent', status: 201 });
      expect(service.seen).toEqual([{ host: `push.invalid:${service.port}`, url: '/push/2' }]);
    } finally {
      await closeAll(service.server);
    }
  });
});
