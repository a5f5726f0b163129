import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import WebSocket from 'ws';
import { mintToken } from '@chat/auth';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import type { Config } from '@chat/config';
import { waitFor } from '@chat/events/testing';
import { freePort } from '../../tools/stack/src/preflight';
import { runningPid } from '../../tools/stack/src/processes';
import type { ServiceDefinition } from '../../tools/stack/src/service';
import { restart, SERVICES } from '../../tools/stack/src/stack';
import type { StackConfig } from '../../tools/stack/src/stack-config';
import type { StackPaths } from '../../tools/stack/src/stack-paths';
import { outputTail, spawnTs } from './spawn-ts';

const ROOT = join(__dirname, '..', '..');

export type ServiceName = ServiceDefinition['name'];

/**
 * The services to restart, each checked to be this stack's own: started from the pid files
 * under the configured stack folder (`stackPaths(loadStackConfig())`), not an external server. A
 * test that restarts services must never stop someone else's, so anything else is refused.
 */
export function ownedServices(
  config: Config,
  paths: StackPaths,
  names: ServiceName[],
): ServiceDefinition[] {
  return names.map((name) => {
    const service = SERVICES.find((s) => s.name === name)!;
    if (service.external(config)) {
      throw new Error(
        `refusing to restart ${name}: it is external (${service.address(config)}), not a service of the stack in ${paths.root}`,
      );
    }
    if (runningPid(paths.pid(name)) === undefined) {
      throw new Error(
        `refusing to restart ${name}: no running process in ${paths.pid(name)}; start this stack first (npx tsx tools/stack/src/cli.ts up with the same environment)`,
      );
    }
    return service;
  });
}

/** An app in a child process of its own, so that an exit is seen. */
export interface AppProcess {
  name: string;
  port: number;
  child: ChildProcess;
  /** The services its readiness asks. */
  needs: ServiceName[];
  assertAlive(): void;
  output(): string;
  stop(): Promise<void>;
}

const APP_PORT_VARIABLES = {
  'command-api': 'COMMAND_API_PORT',
  gateway: 'GATEWAY_PORT',
  projectors: 'PROJECTORS_PORT',
} as const;

export async function startAppProcess(
  name: keyof typeof APP_PORT_VARIABLES,
  needs: ServiceName[],
  env: Record<string, string> = {},
): Promise<AppProcess> {
  const port = await freePort();
  const child = spawnTs(join(ROOT, 'apps', name, 'src', 'main.ts'), [], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, [APP_PORT_VARIABLES[name]]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = outputTail(child);
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    port,
    child,
    needs,
    assertAlive() {
      if (!stopping && (child.exitCode !== null || child.signalCode !== null)) {
        throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${output()}`);
      }
    },
    output,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Readiness {
  at: number;
  status: number;
  dependencies: Record<string, string>;
}

/** Asks each app's /health/ready over and over, keeping every answer with its time. */
export function watchReadiness(apps: AppProcess[], intervalMs = 200) {
  const seen = new Map<string, Readiness[]>(apps.map((app) => [app.name, []]));
  let watching = true;
  const loops = apps.map(async (app) => {
    while (watching) {
      const at = Date.now();
      try {
        const response = await fetch(`http://127.0.0.1:${app.port}/health/ready`, {
          signal: AbortSignal.timeout(10000),
        });
        const body = (await response.json()) as { dependencies?: Record<string, string> };
        seen
          .get(app.name)!
          .push({ at, status: response.status, dependencies: body.dependencies ?? {} });
      } catch (error) {
        seen
          .get(app.name)!
          .push({ at, status: 0, dependencies: { http: (error as Error).message } });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  });
  return {
    /** The answers of an app since a time. */
    since: (app: string, from: number) => seen.get(app)!.filter((r) => r.at >= from),
    async stop() {
      watching = false;
      await Promise.all(loops);
    },
  };
}

export interface SendResult {
  clientMessageId: string;
  at: number;
  status: number;
  messageId?: string;
  code?: string;
}

/** Sends at a steady rate through the command API, each without waiting for the one before. */
export function steadySends(options: {
  apiUrl: string;
  token: string;
  conversationId: string;
  perSecond: number;
}) {
  const results: SendResult[] = [];
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  const run = randomUUID().slice(0, 8);
  async function sendOne() {
    const clientMessageId = `load-${run}-${n++}`;
    const at = Date.now();
    try {
      const response = await fetch(
        `${options.apiUrl}/v1/conversations/${options.conversationId}/messages`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ clientMessageId, body: clientMessageId }),
          signal: AbortSignal.timeout(60000),
        },
      );
      const body = (await response.json().catch(() => ({}))) as {
        messageId?: string;
        code?: string;
      };
      results.push({
        clientMessageId,
        at,
        status: response.status,
        messageId: body.messageId,
        code: body.code,
      });
    } catch (error) {
      results.push({ clientMessageId, at, status: 0, code: (error as Error).message });
    }
  }
  // Sends are counted against the clock, not the ticks: a busy event loop delays a timer, and
  // the sends it owes go out at the next tick, so the rate holds.
  const startedAt = Date.now();
  let stoppedAt: number | undefined;
  const timer = setInterval(() => {
    while (n < ((Date.now() - startedAt) * options.perSecond) / 1000) {
      const sending = sendOne();
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
  }, 1000 / options.perSecond);
  return {
    results,
    accepted: () => results.filter((r) => r.status >= 200 && r.status < 300),
    /** Accepted sends that were made after a time: the log takes appends again. */
    acceptedSince: (from: number) =>
      results.filter((r) => r.at >= from && r.status >= 200 && r.status < 300).length,
    /** Sends made per second, from the first to the stop. */
    rate: () => (results.length * 1000) / ((stoppedAt ?? Date.now()) - startedAt),
    async stop() {
      clearInterval(timer);
      stoppedAt ??= Date.now();
      await Promise.all([...inFlight]);
    },
  };
}

/** A receiving device over a real socket, recording the messages it is delivered. */
export async function receiver(config: Config, gatewayPort: number, userId: string) {
  const { token } = await mintToken(config.auth, { userId, deviceId: 'phone' });
  const client = new ChatClient({
    url: `ws://127.0.0.1:${gatewayPort}/v1/ws`,
    token,
    WebSocket: WebSocket as unknown as WebSocketFactory,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  const messageIds = new Set<string>();
  client.on('message', ({ item }) => {
    if (item.messageId) messageIds.add(item.messageId);
  });
  await client.connect();
  return { client, messageIds, close: () => client.close() };
}

/**
 * Restarts a service through the stack while the load runs, and checks what the apps did:
 * each app that needs the service said so in readiness (503 naming it), every one is ready
 * again afterwards, none exited, and sends are accepted again.
 */
export async function restartUnderLoad(options: {
  service: ServiceDefinition;
  config: StackConfig;
  paths: StackPaths;
  apps: AppProcess[];
  readiness: ReturnType<typeof watchReadiness>;
  sends: ReturnType<typeof steadySends>;
  /** How long after the restart every app must be ready again. */
  recoveryMs: number;
  /**
   * How long the service stays stopped before it starts again: long enough that readiness,
   * asked every 200 ms, is sure to catch the outage however fast the service starts.
   */
  downMs: number;
}) {
  const { service, apps, readiness, sends } = options;
  const alive = () => apps.forEach((app) => app.assertAlive());
  const began = Date.now();
  const { downMs } = await restart(service, options.config, options.paths, {
    downMs: options.downMs,
  });
  const restarted = Date.now();
  alive();
  await waitFor(
    `every app ready after the ${service.name} restart`,
    () => {
      alive();
      return apps.every((app) => readiness.since(app.name, restarted).at(-1)?.status === 200)
        ? true
        : undefined;
    },
    { timeoutMs: options.recoveryMs, intervalMs: 200 },
  );
  const readyAgainMs = Date.now() - restarted;
  // Appends go on: several sends accepted after every app said it was ready again.
  const readyAt = Date.now();
  await waitFor(
    `sends accepted after the ${service.name} restart`,
    () => {
      alive();
      return sends.acceptedSince(readyAt) >= 10 ? true : undefined;
    },
    { timeoutMs: 30000, intervalMs: 100 },
  );
  alive();
  const unready = apps
    .filter((app) => app.needs.includes(service.name))
    .map((app) => ({
      app: app.name,
      saidSo: readiness
        .since(app.name, began)
        .some(
          (r) =>
            r.status === 503 &&
            r.dependencies[service.name] !== undefined &&
            r.dependencies[service.name] !== 'ok',
        ),
    }));
  return { downMs, readyAgainMs, unready };
}

/** Every item of a conversation's history, newest first, page by page. */
export async function wholeHistory(apiUrl: string, token: string, conversationId: string) {
  const items: Array<{ seq: number; messageId?: string }> = [];
  let beforeSeq: number | null | undefined;
  do {
    const query = beforeSeq ? `?beforeSeq=${beforeSeq}&limit=100` : '?limit=100';
    const response = await fetch(`${apiUrl}/v1/conversations/${conversationId}/history${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`history answered ${response.status}`);
    const page = (await response.json()) as {
      items: Array<{ seq: number; messageId?: string }>;
      nextBeforeSeq: number | null;
    };
    items.push(...page.items);
    beforeSeq = page.nextBeforeSeq;
  } while (beforeSeq);
  return items;
}
