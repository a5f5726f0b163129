import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createEventCodec } from './event-codec';

/** A registry that accepts connections and reads requests but never answers any. */
async function silentRegistry() {
  const sockets: Socket[] = [];
  let requests = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (data) => {
      requests += data.toString().split('HTTP/1.1').length - 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

it('gives up on a registry that never answers, after retrying each request past its deadline', async () => {
  const registry = await silentRegistry();
  try {
    const codec = createEventCodec({ registryUrl: registry.url, requestTimeoutMs: 100 });
    const started = Date.now();
    await expect(codec.registerAll()).rejects.toMatchObject({ name: 'EventError' });
    // Three tries of the first request (two retries), each cut at its deadline: no hang.
    expect(registry.requests()).toBe(3);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await registry.close();
  }
});
