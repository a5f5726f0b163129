import { randomUUID } from 'node:crypto';
import { CLOSE_CODES } from '@chat/protocol';
import { startCommandApi, type CommandApi } from '../harness/command-api';
import { startGateway } from '../harness/gateway';

/** A deploy: SIGTERM drains the gateway; its clients are told to reconnect, then closed. */
let api: CommandApi;

beforeAll(async () => {
  api = await startCommandApi();
});

afterAll(() => api.close());

it('tells every client to reconnect, closes them with 1012, and stops within its deadline', async () => {
  const gateway = await startGateway(api.baseUrl, { GATEWAY_DRAIN_DEADLINE_MS: '3000' });
  const clients = await Promise.all(
    ['ann', 'ben', 'cat'].map((name) =>
      gateway.client(`${name}-${randomUUID().slice(0, 8)}`, 'phone'),
    ),
  );
  // The first close each client saw (the SDK then tries to reconnect, here to nothing).
  const closes: number[] = [];
  for (const client of clients) {
    const off = client.on('disconnected', ({ code }) => {
      off();
      closes.push(code);
    });
  }
  await Promise.all(clients.map((c) => c.connect()));

  const started = Date.now();
  await gateway.app.close(); // what runApp does on SIGTERM
  expect(Date.now() - started).toBeLessThan(3000 + 2000);
  expect(closes).toEqual([
    CLOSE_CODES.serviceRestart,
    CLOSE_CODES.serviceRestart,
    CLOSE_CODES.serviceRestart,
  ]);
  for (const client of clients) client.close();
});
