import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CLOSE_CODES, PROTOCOL_VERSION } from '@chat/protocol';
import { startCommandApi, type CommandApi } from '../harness/command-api';
import { startGateway } from '../harness/gateway';

/**
 * How connections end: a deploy (SIGTERM drains the gateway; clients are told to reconnect,
 * then closed) and a dead peer (no pong within the timeout).
 */
let api: CommandApi;

beforeAll(async () => {
  api = await startCommandApi();
});

afterAll(() => api.close());

it('tells every client to reconnect, closes them with 1012, and stops within its deadline', async () => {
  const gateway = await startGateway({ GATEWAY_DRAIN_DEADLINE_MS: '3000' });
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

it('closes a socket that stops answering pings with 4010, and keeps the ones that answer', async () => {
  const gateway = await startGateway({
    GATEWAY_PING_INTERVAL_MS: '50',
    GATEWAY_PONG_TIMEOUT_MS: '400',
  });
  try {
    const healthy = await gateway.client(`alive-${randomUUID().slice(0, 8)}`, 'phone');
    const healthyCloses: number[] = [];
    healthy.on('disconnected', ({ code }) => healthyCloses.push(code));
    await healthy.connect();

    const token = await gateway.token(`silent-${randomUUID().slice(0, 8)}`);
    const silent = new WebSocket(`${gateway.url}?access_token=${token}`, { autoPong: false });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      silent.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    silent.on('open', () =>
      silent.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} })),
    );
    expect(await closed).toEqual({
      code: CLOSE_CODES.heartbeatTimeout,
      reason: 'no pong within the timeout',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(healthyCloses).toEqual([]);
  } finally {
    await gateway.close();
  }
});
