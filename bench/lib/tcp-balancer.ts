import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A round-robin TCP load balancer on loopback, as in front of gateways in production: each
 * new connection goes to the next backend that accepts it, so a client whose gateway died
 * reconnects to one that is alive. A backend's death closes the connections it carried.
 */
export async function startTcpBalancer(backendPorts: number[]) {
  let next = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const attempt = (tries: number) => {
      if (tries >= backendPorts.length) {
        client.destroy();
        return;
      }
      const port = backendPorts[next++ % backendPorts.length]!;
      const backend = connect({ host: '127.0.0.1', port });
      let connected = false;
      backend.once('connect', () => {
        connected = true;
        open.add(backend);
        backend.once('close', () => open.delete(backend));
        client.pipe(backend);
        backend.pipe(client);
        client.resume();
        client.once('close', () => backend.destroy());
        backend.once('close', () => client.destroy());
      });
      backend.on('error', () => {
        if (connected) backend.destroy();
        else attempt(tries + 1);
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('balancer has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
