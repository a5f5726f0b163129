import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { mintToken } from '@chat/auth';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import { loadConfig } from '@chat/config';
import { freePort } from '../tools/stack/src/preflight';
import { buildApps, startAppProcess } from './lib/app-process';
import { openLoop } from './lib/open-loop';
import { percentiles, round } from './lib/stats';
import { startTcpBalancer } from './lib/tcp-balancer';

/**
 * Recovery from a kill -9 under load: two projector processes (one consumer group per
 * projection), two gateways behind a round-robin TCP balancer, and the command API, each its
 * own process; SDK receivers in this one, connected through the balancer. Sends go to the
 * command API at a fixed rate, open loop, each retried with its client message id until
 * accepted (as a client does). After a warm-up, every app is killed once with SIGKILL and
 * restarted in place at once (as a supervisor does); the benchmark reports, per kill, the
 * longest gap between two deliveries of one group at one receiver (several groups, so every
 * partition, and so each projector, carries some), and the worst send-to-receive time of
 * the sends of that window. Only the processes it started are killed, by their pid.
 *
 * Usage: npm run bench:recovery [-- <sends/s> <seconds per kill> <receivers> <groups>]
 */
type App = Awaited<ReturnType<typeof startAppProcess>>;
type AppName = 'command-api' | 'projectors' | 'gateway';

const WARM_UP_MS = 5000;
/** Load kept on after a restarted process is ready, before the next kill. */
const SETTLE_MS = 4000;
/** Reconnect at once and often: the balancer sends the retry to a live gateway. */
const CLIENT_BACKOFF = { initialMs: 100, maxMs: 1000 };

async function main() {
  const [rate = 20, secondsPerKill = 12, receiverCount = 4, conversationCount = 6] = process.argv
    .slice(2)
    .map(Number);
  const config = loadConfig();
  const unlimited = { CHAT_RATE_LIMIT_PER_SECOND: '1000000', CHAT_RATE_LIMIT_BURST: '1000000' };
  buildApps();

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const slots: Array<{ label: string; app: AppName; env: Record<string, string>; port: number }> = [
    { label: 'projectors-1', app: 'projectors', env: {}, port: await freePort() },
    { label: 'projectors-2', app: 'projectors', env: {}, port: await freePort() },
    {
      label: 'gateway-1',
      app: 'gateway',
      env: { ...unlimited },
      port: await freePort(),
    },
    {
      label: 'gateway-2',
      app: 'gateway',
      env: { ...unlimited },
      port: await freePort(),
    },
    { label: 'command-api', app: 'command-api', env: unlimited, port: apiPort },
  ];
  const running = new Map<string, App>();
  const start = async (slot: (typeof slots)[number]) => {
    running.set(slot.label, await startAppProcess(slot.app, slot.env, slot.port));
  };
  // The API first (the gateways relay to it), then the rest.
  await start(slots[4]!);
  for (const slot of slots.slice(0, 4)) await start(slot);
  const balancer = await startTcpBalancer(
    slots.filter((s) => s.app === 'gateway').map((s) => s.port),
  );
  const clients: ChatClient[] = [];
  try {
    const run = randomUUID().slice(0, 8);
    const wsUrl = `ws://127.0.0.1:${balancer.port}/v1/ws`;
    const receivers = Array.from({ length: receiverCount }, (_, i) => `rec-${run}-r${i}`);
    // Arrivals per receiver and conversation: conversations live on different partitions,
    // so a stalled partition shows in its own streams even while the others flow.
    const deliveries = new Map<string, number[]>();
    const sentAt = new Map<string, number>();
    const latencyOf = new Map<string, number[]>();
    const outages: Array<{ receiver: number; from: number; to?: number }> = [];
    for (const [r, userId] of receivers.entries()) {
      const { token } = await mintToken(config.auth, { userId, deviceId: 'bench' });
      const client = new ChatClient({
        url: wsUrl,
        token,
        WebSocket: WebSocket as unknown as WebSocketFactory,
        backoff: CLIENT_BACKOFF,
      });
      client.on('message', ({ item }) => {
        const at = item.body ? sentAt.get(item.body) : undefined;
        if (at === undefined) return;
        const now = performance.now();
        const stream = `r${r}/${item.conversationId.slice(-4)}`;
        deliveries.set(stream, [...(deliveries.get(stream) ?? []), now]);
        const list = latencyOf.get(item.body!) ?? [];
        list.push(now - at);
        latencyOf.set(item.body!, list);
      });
      // Each time a receiver was cut off, and how long until it had resumed (synced).
      client.on('disconnected', () => outages.push({ receiver: r, from: performance.now() }));
      client.on('synced', () => {
        const open = outages.filter((o) => o.receiver === r).pop();
        if (open && open.to === undefined) open.to = performance.now();
      });
      clients.push(client);
      await client.connect();
    }
    const { token: senderToken } = await mintToken(config.auth, {
      userId: `rec-${run}-sender`,
      deviceId: 'bench',
    });
    const post = (path: string, body: unknown) =>
      fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${senderToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    const conversationIds: string[] = [];
    for (let c = 0; c < conversationCount; c++) {
      const created = await post('/v1/conversations/groups', {
        title: `recovery ${c}`,
        members: receivers,
      });
      if (created.status !== 202) throw new Error(`group not created: ${await created.text()}`);
      conversationIds.push(((await created.json()) as { conversationId: string }).conversationId);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));

    // An upper bound: the load runs until every kill's window has passed.
    const total = rate * 3600;
    let sent = 0;
    let retries = 0;
    let accepted = 0;
    const sendUntilAccepted = async (conversationId: string, body: string) => {
      const giveUpAt = performance.now() + 60000;
      while (performance.now() < giveUpAt) {
        const status = await post(`/v1/conversations/${conversationId}/messages`, {
          clientMessageId: body,
          body,
        }).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 202) {
          accepted++;
          return;
        }
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const kills: Array<{ label: string; at: number; end: number; readyAfterMs: number }> = [];
    const loadStart = performance.now();
    let killed = false;
    const killing = (async () => {
      await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
      for (const slot of slots) {
        await running.get(slot.label)!.kill('SIGKILL');
        const at = performance.now();
        await start(slot);
        const readyAfterMs = performance.now() - at;
        // Each window holds the kill, the restart and a settled stretch after it, so the
        // next kill's window does not inherit this one's stall.
        const end = Math.max(at + secondsPerKill * 1000, at + readyAfterMs + SETTLE_MS);
        kills.push({ label: slot.label, at, end, readyAfterMs });
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - performance.now())));
      }
    })().finally(() => (killed = true));
    await openLoop(
      rate,
      total,
      (i, due) => {
        const body = `${run}-${i}`;
        sentAt.set(body, due);
        sent++;
        return sendUntilAccepted(conversationIds[i % conversationIds.length]!, body);
      },
      () => killed,
    );
    await killing;
    const deadline = Date.now() + 30000;
    const expected = accepted * receivers.length;
    const delivered = () => [...deliveries.values()].reduce((sum, list) => sum + list.length, 0);
    while (delivered() < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    console.log(
      `recovery: ${rate} sends/s into ${conversationCount} groups for ${round((performance.now() - loadStart) / 1000)} s, ${receivers.length} receivers over 2 gateways; ` +
        `${accepted}/${sent} sends accepted (${retries} retried attempts), ${delivered()}/${expected} deliveries`,
    );
    for (const kill of kills) {
      // Per receiver, the silences in this window: between two deliveries, or from the last
      // delivery to the end of the window. Named by when they began and ended, from the kill.
      const silences: Array<{ stream: string; from: number; to: number }> = [];
      for (const [stream, list] of deliveries.entries()) {
        let previous = list.filter((t) => t <= kill.at).pop() ?? kill.at;
        for (const t of [...list.filter((t) => t > kill.at && t <= kill.end), kill.end]) {
          silences.push({ stream, from: previous - kill.at, to: t - kill.at });
          previous = t;
        }
      }
      const longest = silences.reduce((a, b) => (b.to - b.from > a.to - a.from ? b : a));
      const long = silences
        .filter((s) => s.to - s.from >= 1000)
        .sort((a, b) => b.to - b.from - (a.to - a.from));
      const windowLatencies = [...sentAt.entries()]
        .filter(([, due]) => due >= kill.at && due < kill.end)
        .flatMap(([body]) => latencyOf.get(body) ?? []);
      const p = percentiles(windowLatencies);
      const cutOff = outages
        .filter((o) => o.from >= kill.at && o.from < kill.end)
        .map(
          (o) => `r${o.receiver} ${o.to === undefined ? 'not back' : `${round(o.to - o.from)} ms`}`,
        );
      console.log(
        `kill -9 ${kill.label.padEnd(12)} longest gap in deliveries ${round(longest.to - longest.from)} ms ` +
          `(${longest.stream}, from ${round(longest.from)} to ${round(longest.to)} ms after the kill); ` +
          `restarted process ready after ${round(kill.readyAfterMs)} ms; ` +
          `send-to-receive of sends in this window p50 ${round(p.p50!)} p99 ${round(p.p99!)} max ${round(p.max!)} ms; ` +
          `receivers cut off, and until resumed: ${cutOff.length === 0 ? 'none' : cutOff.join(', ')}; ` +
          `gaps >= 1 s: ${
            long.length === 0
              ? 'none'
              : `${long.length}, longest ` +
                long
                  .slice(0, 4)
                  .map((s) => `${s.stream} ${round(s.from)}..${round(s.to)}`)
                  .join(', ')
          }`,
      );
    }
  } finally {
    for (const client of clients) client.close();
    await balancer.close();
    await Promise.all([...running.values()].map((app) => app.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
