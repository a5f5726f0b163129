import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mintToken } from '@chat/auth';
import { loadConfig, type Config } from '@chat/config';
import { flood, type FloodReport } from '../test/harness/flood';
import { rawSocket } from '../test/harness/raw-socket';
import { buildApps, startAppProcess } from './lib/app-process';
import { percentiles, round } from './lib/stats';

/**
 * One user floods the gateway and the command API with everything at full speed (every frame
 * type, 3,000 sends pipelined, connections in a loop, every kind of HTTP route, long polls),
 * with the budgets a deployment has by default, while another user sends 20 messages a second
 * over her socket to a group. Reports the other user's send-to-receive p50/p99 at the group's
 * other member (target: p99 under 500 ms), her outcomes, what the flood got back, and the CPU
 * each process used. The apps run as their own processes, the flood in one more (this file
 * with `flood`), and the sender and the receiver in this one, so that the flood's own work
 * does not delay the clock that measures her.
 *
 * Usage: npm run bench:abuse [-- <seconds> [quiet]]   (default 10; `quiet`: the same without
 * the flood, for the figures to compare with)
 */
const RATE = 20;

async function main() {
  const seconds = Number(process.argv[2] ?? '10');
  const quiet = process.argv[3] === 'quiet';
  const config = loadConfig();
  buildApps();
  const api = await startAppProcess('command-api');
  const projectors = await startAppProcess('projectors');
  const gateway = await startAppProcess('gateway');
  const gatewayUrl = `${gateway.url.replace(/^http/, 'ws')}/v1/ws`;
  const run = randomUUID().slice(0, 8);
  try {
    const [alice, bob, mallory] = await Promise.all(
      ['alice', 'bob', 'mallory'].map((name) => tokenOf(config, `abuse-${run}-${name}`)),
    );
    const group = await createGroup(api.url, alice!.token, [bob!.userId]);
    const own = await createGroup(api.url, mallory!.token, []);
    const receiver = await rawSocket(gatewayUrl, bob!.token);
    const sender = await rawSocket(gatewayUrl, alice!.token);
    await Promise.all([receiver.synced(), sender.synced()]);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    receiver.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; item?: { body?: string } };
      const at = frame.type === 'message' ? sentAt.get(frame.item?.body ?? '') : undefined;
      if (at !== undefined) latencies.push(performance.now() - at);
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const cpuBefore = cpuOf({ api, projectors, gateway });
    const started = Date.now();
    const outcomes = new Map<string, number>();
    const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    const sends: Array<Promise<void>> = [];
    const flooder = quiet
      ? null
      : // At the lowest priority: on a real deployment the flood's own CPU is not the
        // server's, and here it shares the same two cores.
        spawn(
          'nice',
          [
            '-n',
            '19',
            process.execPath,
            '--import',
            'tsx',
            __filename,
            'flood',
            JSON.stringify({ gatewayUrl, apiUrl: api.url, token: mallory!.token, own, seconds }),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
    const output: Buffer[] = [];
    flooder?.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
    const flooded = new Promise<void>((resolve) =>
      flooder ? flooder.once('exit', () => resolve()) : resolve(),
    );
    const sending = (async () => {
      // 50 ms apart at least: a late timer never makes a burst above her 20/s budget.
      let due = Date.now();
      for (let i = 0; Date.now() - started < seconds * 1000; i++) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
        due = Math.max(due, Date.now()) + 1000 / RATE;
        const body = `${run}-${i}`;
        sentAt.set(body, performance.now());
        sends.push(
          sender.request({ type: 'send', conversationId: group, clientMessageId: body, body }).then(
            (frame) => void count(frame.type === 'result' ? 'accepted' : String(frame.code)),
            (error: Error) => void count(error.message),
          ),
        );
      }
    })();
    await sending;
    await flooded;
    const report: FloodReport = quiet
      ? { frames: {}, http: {}, connects: { ws: {}, sse: {} }, closes: {} }
      : (JSON.parse(Buffer.concat(output).toString()) as FloodReport);
    await Promise.all(sends);
    const accepted = outcomes.get('accepted') ?? 0;
    const deadline = Date.now() + 30000;
    while (latencies.length < accepted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cpu = cpuOf({ api, projectors, gateway }, cpuBefore);
    const p = percentiles(latencies);
    const refused = (table: Record<string, Record<string, number>>) =>
      Object.fromEntries(Object.entries(table).map(([key, codes]) => [key, codes]));
    console.log(
      `abuse: ${seconds} s ${quiet ? 'without a flood' : 'of flood'}; the other user sent ${RATE}/s over her socket ` +
        `(${JSON.stringify(Object.fromEntries(outcomes))}); received ${latencies.length}/${accepted}; ` +
        `send-to-receive ms p50 ${round(p.p50!)} p90 ${round(p.p90!)} p99 ${round(p.p99!)} max ${round(p.max!)}`,
    );
    console.log(`cpu seconds over the flood: ${JSON.stringify(cpu)}`);
    console.log(`flood frames: ${JSON.stringify(refused(report.frames))}`);
    console.log(`flood routes: ${JSON.stringify(refused(report.http))}`);
    console.log(`flood connects: ${JSON.stringify(report.connects)}`);
    receiver.close();
    sender.close();
  } finally {
    await Promise.all([gateway.stop(), projectors.stop(), api.stop()]);
  }
}

async function tokenOf(config: Config, userId: string) {
  const { token } = await mintToken(config.auth, { userId, deviceId: 'bench' });
  return { userId, token };
}

async function createGroup(apiUrl: string, token: string, members: string[]) {
  const response = await fetch(`${apiUrl}/v1/conversations/groups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'abuse', members }),
  });
  const body = (await response.json()) as { conversationId: string };
  if (response.status !== 202) throw new Error(`group not created: ${JSON.stringify(body)}`);
  return body.conversationId;
}

type Apps = Record<string, { cpuSeconds(): number }>;
function cpuOf(apps: Apps, before?: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(apps).map(([name, app]) => [
      name,
      round(app.cpuSeconds() - (before?.[name] ?? 0), 2),
    ]),
  );
}

/** The flooding user, in a process of its own; prints what came back as JSON. */
async function floodProcess(options: string) {
  const { gatewayUrl, apiUrl, token, own, seconds } = JSON.parse(options) as {
    gatewayUrl: string;
    apiUrl: string;
    token: string;
    own: string;
    seconds: number;
  };
  const started = Date.now();
  const report = await flood({
    gatewayUrl,
    apiUrl,
    token,
    conversationId: own,
    keepGoing: () => Date.now() - started < seconds * 1000,
  });
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
}

(process.argv[2] === 'flood' ? floodProcess(process.argv[3]!) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
