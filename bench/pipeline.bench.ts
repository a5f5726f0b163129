import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import WebSocket from 'ws';
import { mintToken } from '@chat/auth';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import type { Config } from '@chat/config';
import { createPgPool } from '@chat/storage';
import { ensureMavenDependencies } from '../tools/stack/src/installers';
import { javaBinary } from '../tools/stack/src/services/java';
import { loadStackConfig, type StackConfig } from '../tools/stack/src/stack-config';
import { stackPaths } from '../tools/stack/src/stack-paths';
import { buildApps, startAppProcess } from './lib/app-process';
import { ensureBenchTopic } from './lib/bench-topic';
import { openLoop } from './lib/open-loop';
import { processCpu, stackServiceGroups } from './lib/process-cpu';
import { percentiles, round } from './lib/stats';
import { viewLagSampler } from './lib/view-lag';

/**
 * The whole pipeline at a sweep of rates, in one run: sends over HTTP to the command API
 * (open loop, into `groups` groups), through Kafka, the projections (Cassandra, Postgres),
 * Redis pub/sub and the gateway to three SDK receivers in this process. Per rate: send-to-
 * receive p50/p90/p99 (from the scheduled time, at every receiver), the accepted rate, and the
 * CPU each process used per message over the window (per accepted send, or per distinct
 * message delivered when more arrived: a send the client gave up on may have been accepted) (from the first send until
 * every delivery arrived or the drain deadline): command API, projectors, gateway, Kafka,
 * Cassandra, Postgres (postmaster and every backend), Redis, registry and this load generator
 * (which holds the receivers too), and each view's largest lag behind the log while the rate
 * ran (sampled every 250 ms, as seconds of sends: "every projection keeps up"). First, unmeasured, 10 s at 100/s to warm the new processes;
 * then the same processes idle for one window. Last, the Kafka floor on the same machine: Kafka's own
 * EndToEndLatency tool, acks=all, 300-byte records.
 *
 * Sends go over HTTP (`http`, the default) or as `send` frames on SDK sockets to the gateway
 * (`ws`: one sender socket per group, the way a connected client sends; the command API then
 * carries only the groups' creation).
 *
 * Usage: npm run bench:pipeline [-- <rates, comma-separated> <seconds per rate> <groups> <http|ws>]
 *   e.g. npm run bench:pipeline -- 20,100,500,1000,2000 10 10 ws
 */
const RECEIVERS = 3;
const DRAIN_MS = 20000;
/** Unmeasured sends before the idle window, so the first rate does not pay the warm-up. */
const WARMUP_RATE = 100;
const WARMUP_SECONDS = 10;
const FLOOR_TOPIC = '__bench_end_to_end_latency';
const FLOOR_MESSAGES = 5000;

async function main() {
  const [ratesArg = '20,100,500,1000,2000', secondsArg = '10', groupsArg = '10', via = 'http'] =
    process.argv.slice(2);
  if (via !== 'http' && via !== 'ws') throw new Error(`sends go over http or ws, not ${via}`);
  const rates = ratesArg.split(',').map(Number);
  const seconds = Number(secondsArg);
  const groupCount = Number(groupsArg);
  const config = loadStackConfig();
  const unlimited = { CHAT_RATE_LIMIT_PER_SECOND: '1000000', CHAT_RATE_LIMIT_BURST: '1000000' };
  await warnOfExtraVersions(config);
  buildApps();
  const api = await startAppProcess('command-api', unlimited);
  const projectors = await startAppProcess('projectors');
  const gateway = await startAppProcess('gateway', { ...unlimited });
  const cpu = processCpu({
    'command-api': () => [api.pid],
    projectors: () => [projectors.pid],
    gateway: () => [gateway.pid],
    ...stackServiceGroups(stackPaths(config)),
    'load generator': () => [process.pid],
  });
  const clients: ChatClient[] = [];
  const rows: Row[] = [];
  const lag = await viewLagSampler(config);
  try {
    const run = randomUUID().slice(0, 8);
    const wsUrl = `${gateway.url.replace(/^http/, 'ws')}/v1/ws`;
    const receivers = Array.from({ length: RECEIVERS }, (_, i) => `pipe-${run}-r${i}`);
    const sentAt = new Map<string, number>();
    let latencies: number[] = [];
    // Messages that went through: a send the client gave up on may still have been accepted.
    let through = new Set<string>();
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
    for (const userId of receivers) {
      const client = await connect(userId);
      client.on('message', ({ item }) => {
        const at = item.body ? sentAt.get(item.body) : undefined;
        if (at === undefined) return;
        latencies.push(performance.now() - at);
        through.add(item.body!);
      });
    }
    // Each group has a sender of its own: over the socket, one socket's sends to a conversation
    // go one after another, so a single sender would measure its round trip, not the pipeline.
    const groups: Array<{ id: string; send(body: string): Promise<number | string> }> = [];
    for (let g = 0; g < groupCount; g++) {
      const sender = `pipe-${run}-s${g}`;
      const post = await poster(config, api.url, sender);
      const created = await post('/v1/conversations/groups', {
        title: `pipe ${g}`,
        members: receivers,
      });
      if (created.status !== 202) throw new Error(`group not created: ${created.status}`);
      const id = created.conversationId!;
      const socket = via === 'ws' ? await connect(sender) : undefined;
      groups.push({
        id,
        send: (body) =>
          socket
            ? socket.send(id, { body }, { clientMessageId: body, attempts: 1 }).then(
                () => 202,
                (error: Error & { code?: string }) => error.code ?? error.message,
              )
            : post(`/v1/conversations/${id}/messages`, { clientMessageId: body, body }).then(
                (r) => r.status,
                (error: Error) =>
                  String((error.cause as Error | undefined)?.message ?? error.message),
              ),
      });
    }
    // Warm the new processes first (JIT, connection pools, caches): unmeasured, as a service
    // that has been running is warm. Its deliveries are not in sentAt, so they are not counted.
    await openLoop(WARMUP_RATE, WARMUP_RATE * WARMUP_SECONDS, (i) =>
      groups[i % groups.length]!.send(`${run}-warmup-${i}`).then(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));

    // What each process costs with nothing to do: at low rates this is most of the bill.
    const idleWindow = cpu.start();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const idleCores = Object.entries(idleWindow.end()).map(
      ([name, s]) => `${name} ${round(s / seconds, 3)}`,
    );
    console.log(`idle for ${seconds} s, cores per process: ${idleCores.join(', ')}`);

    for (const [round, rate] of rates.entries()) {
      // Each round's bodies are its own (a body is the send's client message id too): a rate
      // given twice must send new messages, not retries the command API answers as duplicates.
      const prefix = `${run}-${round}-${rate}-`;
      latencies = [];
      through = new Set();
      const total = Math.round(rate * seconds);
      const statuses = new Map<number | string, number>();
      // Send to 202 (appended to the log): the command side's share of send-to-receive.
      const acceptLatencies: number[] = [];
      const count = (status: number | string, due: number) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 202) acceptLatencies.push(performance.now() - due);
      };
      const window = cpu.start();
      lag.start();
      const start = performance.now();
      await openLoop(rate, total, (i, due) => {
        const body = `${prefix}${i}`;
        sentAt.set(body, due);
        return groups[i % groups.length]!.send(body).then((status) => count(status, due));
      });
      const sendSeconds = (performance.now() - start) / 1000;
      const accepted = statuses.get(202) ?? 0;
      const deadline = performance.now() + DRAIN_MS;
      while (latencies.length < accepted * RECEIVERS && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const used = window.end();
      const lagEvents = await lag.stop();
      const windowSeconds = (performance.now() - start) / 1000;
      const p = percentiles(latencies);
      const acceptP = percentiles(acceptLatencies);
      const row: Row = {
        rate,
        sends: total,
        acceptedPerSecond: accepted / sendSeconds,
        accepted,
        statuses: Object.fromEntries(statuses),
        received: latencies.length,
        expected: accepted * RECEIVERS,
        p50: p.p50!,
        p90: p.p90!,
        p99: p.p99!,
        acceptP50: acceptP.p50 ?? NaN,
        acceptP99: acceptP.p99 ?? NaN,
        windowSeconds,
        cpuMsPerMessage: Object.fromEntries(
          Object.entries(used).map(([name, s]) => [
            name,
            (s * 1000) / Math.max(1, accepted, through.size),
          ]),
        ),
        cores: Object.values(used).reduce((a, b) => a + b, 0) / windowSeconds,
        // Seconds of sends a view was behind at worst: its largest lag at this rate.
        lagSeconds: Object.fromEntries(
          [...lagEvents].map(([view, events]) => [view, events / rate]),
        ),
      };
      rows.push(row);
      console.log(describe(row));
      for (const body of [...sentAt.keys()]) if (body.startsWith(prefix)) sentAt.delete(body);
      // Let the backlog of a saturated rate clear before the next one.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  } finally {
    for (const client of clients) client.close();
    await Promise.all([gateway.stop(), projectors.stop(), api.stop(), lag.close()]);
  }
  console.log(`sends over ${via}`);
  console.log(table(rows));
  console.log(await kafkaFloor(config));
}

interface Row {
  rate: number;
  sends: number;
  accepted: number;
  acceptedPerSecond: number;
  statuses: Record<string, number>;
  received: number;
  expected: number;
  p50: number;
  p90: number;
  p99: number;
  /** Send to 202: the part of send-to-receive before the event is in the log. */
  acceptP50: number;
  acceptP99: number;
  windowSeconds: number;
  cpuMsPerMessage: Record<string, number>;
  cores: number;
  /** Each view's largest lag during the rate, in seconds of sends. */
  lagSeconds: Record<string, number>;
}

async function poster(config: Config, apiUrl: string, userId: string) {
  const { token } = await mintToken(config.auth, { userId, deviceId: 'bench' });
  return (path: string, body: unknown) =>
    fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    }).then(async (r) => ({
      status: r.status,
      conversationId: ((await r.json()) as { conversationId?: string }).conversationId,
    }));
}

function describe(row: Row): string {
  const cpu = Object.entries(row.cpuMsPerMessage)
    .map(([name, ms]) => `${name} ${round(ms, 2)}`)
    .join(', ');
  const total = Object.values(row.cpuMsPerMessage).reduce((a, b) => a + b, 0);
  return (
    `${row.rate} sends/s offered for ${row.sends / row.rate} s: ${row.accepted}/${row.sends} accepted (${round(row.acceptedPerSecond)}/s, statuses ${JSON.stringify(row.statuses)}); ` +
    `received ${row.received}/${row.expected}; send-to-receive ms p50 ${round(row.p50)} p90 ${round(row.p90)} p99 ${round(row.p99)}; ` +
    `send-to-202 ms p50 ${round(row.acceptP50)} p99 ${round(row.acceptP99)}; ` +
    `CPU ${round(row.cores, 2)} cores over ${round(row.windowSeconds)} s, ms per message: total ${round(total, 2)} (${cpu}); ` +
    `largest view lag, s: ${Object.entries(row.lagSeconds)
      .map(([view, seconds]) => `${view} ${round(seconds, 2)}`)
      .join(', ')}`
  );
}

function table(rows: Row[]): string {
  const names = Object.keys(rows[0]?.cpuMsPerMessage ?? {});
  const header = [
    'offered/s',
    'accepted/s',
    'delivered',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'send-to-202 p50 / p99 ms',
    'largest view lag s',
    'cores',
    'CPU ms/msg',
    ...names,
  ];
  const lines = rows.map((r) => [
    r.rate,
    round(r.acceptedPerSecond),
    `${r.received}/${r.expected}`,
    round(r.p50),
    round(r.p90),
    round(r.p99),
    `${round(r.acceptP50)} / ${round(r.acceptP99)}`,
    round(Math.max(0, ...Object.values(r.lagSeconds)), 2),
    round(r.cores, 2),
    round(
      Object.values(r.cpuMsPerMessage).reduce((a, b) => a + b, 0),
      2,
    ),
    ...names.map((n) => round(r.cpuMsPerMessage[n]!, 2)),
  ]);
  return [header, header.map(() => '---'), ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n');
}

/**
 * The projectors maintain every registered version, not only the readers' (a rebuild runs
 * beside the live one). A version a killed test or an unfinished rebuild left behind doubles
 * that projection's cost in every figure here, so the run names any it finds.
 */
async function warnOfExtraVersions(config: Config): Promise<void> {
  const pool = createPgPool(config, { max: 1 });
  try {
    const { rows } = await pool.query<{ key: string }>(
      `SELECT v.projection || '_v' || v.version AS key
         FROM projection_versions v
         LEFT JOIN projection_readers r ON r.projection = v.projection AND r.version = v.version
        WHERE v.dropped_at IS NULL AND r.projection IS NULL
        ORDER BY 1`,
    );
    if (rows.length > 0) {
      console.log(
        `WARNING: the projectors also maintain ${rows.map((r) => r.key).join(', ')} (no ` +
          'readers): their cost is in these figures. Drop leftovers with `npm run chat-admin -- drop`.',
      );
    }
  } finally {
    await pool.end();
  }
}

/** Kafka's own end-to-end latency tool against the same broker: the floor of any send. */
async function kafkaFloor(config: StackConfig): Promise<string> {
  await ensureBenchTopic(config, FLOOR_TOPIC);
  // The broker's jars hold the tool's entry point, kafka-tools its code (fetched once).
  const paths = stackPaths(config);
  ensureMavenDependencies('kafka-tools', paths.dist('kafka-tools'));
  const classpath = ['kafka', 'kafka-tools']
    .map((d) => `${join(paths.dist(d), 'libs')}/*`)
    .join(':');
  const output = execFileSync(
    javaBinary(config),
    [
      '-Xmx256m',
      '-cp',
      classpath,
      'org.apache.kafka.tools.EndToEndLatency',
      config.kafka.value.join(','),
      FLOOR_TOPIC,
      String(FLOOR_MESSAGES),
      'all',
      '300',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120000 },
  );
  const lines = output
    .split('\n')
    .filter((line) => /Avg latency|Percentiles/.test(line))
    .join('; ');
  return `Kafka floor (org.apache.kafka.tools.EndToEndLatency, ${FLOOR_MESSAGES} records, acks=all, 300 B): ${lines}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
