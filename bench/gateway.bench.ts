import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { mintToken } from '@chat/auth';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import { loadConfig, type Config } from '@chat/config';
import { PROTOCOL_VERSION } from '@chat/protocol';
import { buildApps, startAppProcess } from './lib/app-process';
import { openLoop } from './lib/open-loop';
import { percentiles, round } from './lib/stats';

/**
 * The gateway end to end, with the command API, the projectors and one gateway as their own
 * processes and the clients in this one:
 *  1. latency: sends at a fixed rate into a small group, open loop; send-to-receive time at
 *     the other members' sockets (the full durable path: the gateway's own command handling, Kafka, projection, Redis,
 *     socket);
 *     then the same with the sends over the sender's own socket (`send` frames, handled by
 *     the gateway), answered `result` only after Kafka;
 *  2. fan-out: one message to a group of `members` (default 1,000), all online;
 *  3. idle connections: `idle` sockets held open, and the gateway's memory per connection.
 *
 * Usage: npm run bench:gateway [-- <sends/s> <seconds> <members> <idle>]
 */
async function main() {
  const [rate = 1000, seconds = 10, members = 1000, idle = 5000] = process.argv
    .slice(2)
    .map(Number);
  const config = loadConfig();
  const unlimited = { CHAT_RATE_LIMIT_PER_SECOND: '1000000', CHAT_RATE_LIMIT_BURST: '1000000' };
  buildApps();
  const api = await startAppProcess('command-api', unlimited);
  const projectors = await startAppProcess('projectors');
  const gateway = await startAppProcess('gateway', unlimited);
  const wsUrl = `${gateway.url.replace(/^http/, 'ws')}/v1/ws`;
  const run = randomUUID().slice(0, 8);
  const clients: ChatClient[] = [];
  const connect = async (userId: string) => {
    const { token } = await mintToken(config.auth, { userId, deviceId: 'bench' });
    const client = new ChatClient({
      url: wsUrl,
      token,
      WebSocket: WebSocket as unknown as WebSocketFactory,
    });
    clients.push(client);
    await client.connect();
    return client;
  };
  try {
    await latency(config, api.url, connect, run, rate, seconds);
    await socketLatency(config, api.url, connect, run, rate, seconds);
    await fanOut(config, api.url, connect, run, members);
    for (const client of clients.splice(0)) client.close();
    // A fresh gateway process, so memory the earlier phases left in its heap does not hide
    // what the idle connections cost.
    // The idle sockets are one user's: past the per-user socket limit on purpose.
    const idleGateway = await startAppProcess('gateway', {
      GATEWAY_MAX_SOCKETS_PER_USER: String(idle),
    });
    try {
      const idleUrl = `${idleGateway.url.replace(/^http/, 'ws')}/v1/ws`;
      await idleConnections(config, idleUrl, idleGateway.pid, run, idle);
    } finally {
      await idleGateway.stop();
    }
  } finally {
    for (const client of clients) client.close();
    await Promise.all([gateway.stop(), projectors.stop(), api.stop()]);
  }
}

type Connect = (userId: string) => Promise<ChatClient>;

async function httpAs(config: Config, apiUrl: string, userId: string) {
  const { token } = await mintToken(config.auth, { userId, deviceId: 'bench' });
  return (path: string, body: unknown) =>
    fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}

async function groupWith(post: Awaited<ReturnType<typeof httpAs>>, memberIds: string[]) {
  const created = await post('/v1/conversations/groups', { title: 'bench', members: memberIds });
  if (created.status !== 202) throw new Error(`group not created: ${JSON.stringify(created.body)}`);
  return created.body.conversationId as string;
}

async function latency(
  config: Config,
  apiUrl: string,
  connect: Connect,
  run: string,
  rate: number,
  seconds: number,
) {
  const sender = `bench-${run}-sender`;
  const receivers = [1, 2, 3].map((i) => `bench-${run}-receiver-${i}`);
  const sockets = await Promise.all(receivers.map(connect));
  const post = await httpAs(config, apiUrl, sender);
  const conversationId = await groupWith(post, receivers);
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  for (const socket of sockets) {
    socket.on('message', ({ item }) => {
      const at = item.body ? sentAt.get(item.body) : undefined;
      if (at !== undefined) latencies.push(performance.now() - at);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const total = rate * seconds;
  const statuses = new Map<number | string, number>();
  const count = (status: number | string) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  await openLoop(rate, total, (i, due) => {
    const body = `${run}-${i}`;
    sentAt.set(body, due);
    return post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: body,
      body,
    }).then(
      (r) => void count(r.status),
      (error: Error) =>
        void count(String((error.cause as Error | undefined)?.message ?? error.message)),
    );
  });
  const deadline = Date.now() + 60000;
  const accepted = statuses.get(202) ?? 0;
  while (latencies.length < accepted * receivers.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const p = percentiles(latencies);
  console.log(
    `latency: offered ${rate} sends/s for ${seconds} s (${total} sends, statuses ${JSON.stringify(Object.fromEntries(statuses))}); ` +
      `received ${latencies.length}/${accepted * receivers.length} (every accepted send at each of ${receivers.length} receivers); send-to-receive ms p50 ${round(p.p50!)} p90 ${round(p.p90!)} p99 ${round(p.p99!)} max ${round(p.max!)}`,
  );
}

/** The latency phase with the sends as `send` frames on the sender's socket to the gateway. */
async function socketLatency(
  config: Config,
  apiUrl: string,
  connect: Connect,
  run: string,
  rate: number,
  seconds: number,
) {
  const sender = `bench-${run}-ws-sender`;
  const receivers = [1, 2, 3].map((i) => `bench-${run}-ws-receiver-${i}`);
  const sockets = await Promise.all(receivers.map(connect));
  const conversationId = await groupWith(await httpAs(config, apiUrl, sender), receivers);
  const senderSocket = await connect(sender);
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  for (const socket of sockets) {
    socket.on('message', ({ item }) => {
      const at = item.body ? sentAt.get(item.body) : undefined;
      if (at !== undefined) latencies.push(performance.now() - at);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const total = rate * seconds;
  const outcomes = new Map<string, number>();
  const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  await openLoop(rate, total, (i, due) => {
    const body = `${run}-ws-${i}`;
    sentAt.set(body, due);
    return senderSocket.send(conversationId, { body }, { clientMessageId: body, attempts: 1 }).then(
      () => void count('result'),
      (error: Error & { code?: string }) => void count(error.code ?? error.message),
    );
  });
  const deadline = Date.now() + 60000;
  const accepted = outcomes.get('result') ?? 0;
  while (latencies.length < accepted * receivers.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const p = percentiles(latencies);
  console.log(
    `socket latency: offered ${rate} sends/s for ${seconds} s over the sender's socket (${total} sends, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}); ` +
      `received ${latencies.length}/${accepted * receivers.length}; send-to-receive ms p50 ${round(p.p50!)} p90 ${round(p.p90!)} p99 ${round(p.p99!)} max ${round(p.max!)}`,
  );
}

async function fanOut(
  config: Config,
  apiUrl: string,
  connect: Connect,
  run: string,
  members: number,
) {
  const admin = `bench-${run}-admin`;
  const memberIds = Array.from({ length: members - 1 }, (_, i) => `bench-${run}-member-${i}`);
  const sockets: ChatClient[] = [];
  for (let i = 0; i < memberIds.length; i += 50) {
    sockets.push(...(await Promise.all(memberIds.slice(i, i + 50).map(connect))));
  }
  const post = await httpAs(config, apiUrl, admin);
  const conversationId = await groupWith(post, memberIds);
  const arrivals: number[] = [];
  let sentAt = 0;
  for (const socket of sockets) {
    socket.on('message', ({ item }) => {
      if (item.body === `fan-out-${run}`) arrivals.push(performance.now() - sentAt);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  sentAt = performance.now();
  await post(`/v1/conversations/${conversationId}/messages`, {
    clientMessageId: `fan-${run}`,
    body: `fan-out-${run}`,
  });
  const deadline = Date.now() + 60000;
  while (arrivals.length < sockets.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const p = percentiles(arrivals);
  console.log(
    `fan-out: one message to a ${members}-member group, ${arrivals.length}/${sockets.length} online members got it; ` +
      `send-to-receive ms p50 ${round(p.p50!)} p99 ${round(p.p99!)} last ${round(p.max!)}`,
  );
}

async function idleConnections(
  config: Config,
  wsUrl: string,
  gatewayPid: number,
  run: string,
  count: number,
) {
  const rss = () =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${gatewayPid}/status`, 'utf8'))![1]) * 1024;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const before = rss();
  const sockets: WebSocket[] = [];
  const { token } = await mintToken(config.auth, { userId: `bench-${run}-idle`, deviceId: 'idle' });
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from(
        { length: Math.min(100, count - i) },
        () =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(`${wsUrl}?access_token=${token}`);
            ws.on('open', () => {
              ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} }));
              sockets.push(ws);
            });
            ws.on('message', (data) => {
              if (String(data).includes('"synced"')) resolve();
            });
            ws.on('error', reject);
          }),
      ),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = rss();
  console.log(
    `idle: ${sockets.length} connections held by one gateway process; RSS ${round(before / 1048576)} MB -> ${round(after / 1048576)} MB, ` +
      `${round((after - before) / sockets.length / 1024)} KiB per connection`,
  );
  for (const ws of sockets) ws.terminate();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
