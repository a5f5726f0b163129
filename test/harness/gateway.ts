import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { mintToken } from '@chat/auth';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import { loadConfigWith, type Env } from '@chat/config';
import { createApp } from '@chat/platform';
import { waitFor } from '@chat/events/testing';
import { gatewaySpec } from '../../apps/gateway/src/gateway.app';
import { freePort } from '../../tools/stack/src/preflight';
import { spawnTs } from './spawn-ts';

/** Starts a gateway in this process on a free port; it handles commands itself. */
export async function startGateway(env: Env = {}) {
  const config = loadConfigWith({ LOG_LEVEL: 'silent', ...env });
  const app: INestApplication = await createApp(gatewaySpec, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/v1/ws`;
  const clients: ChatClient[] = [];

  /** An SDK client for a user's device on this gateway; closed with the gateway. */
  async function client(userId: string, deviceId: string, cursors?: Record<string, number>) {
    const { token } = await mintToken(config.auth, { userId, deviceId });
    const chat = new ChatClient({
      url,
      token,
      WebSocket: WebSocket as unknown as WebSocketFactory,
      cursors,
      backoff: { initialMs: 50, maxMs: 500 },
    });
    clients.push(chat);
    return chat;
  }

  return {
    url,
    config,
    app,
    client,
    token: async (userId: string, deviceId = 'raw') =>
      (await mintToken(config.auth, { userId, deviceId })).token,
    async close() {
      for (const chat of clients) chat.close();
      await app.close();
    },
  };
}

export type TestGateway = Awaited<ReturnType<typeof startGateway>>;

/**
 * Starts a gateway as its own process, as in production: a test can then tell that the
 * process stayed up (an unhandled rejection would end it) and what CPU it used.
 */
export async function startGatewayProcess(env: Env = {}) {
  const port = await freePort();
  const overrides = { LOG_LEVEL: 'warn', ...env, GATEWAY_PORT: String(port) };
  const config = loadConfigWith(overrides);
  const output: string[] = [];
  const child = spawnTs(join(__dirname, '..', '..', 'apps', 'gateway', 'src', 'main.ts'), [], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, ...overrides },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitFor(
    'the gateway process to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited: ${output.join('')}`);
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
      return response?.ok ? true : undefined;
    },
    { timeoutMs: 60000, intervalMs: 200 },
  );
  return {
    url: `ws://127.0.0.1:${port}/v1/ws`,
    httpUrl: `http://127.0.0.1:${port}`,
    config,
    pid: child.pid!,
    /** Whether the process is still running. */
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => output.join(''),
    token: async (userId: string, deviceId = 'raw') =>
      (await mintToken(config.auth, { userId, deviceId })).token,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export type GatewayProcess = Awaited<ReturnType<typeof startGatewayProcess>>;
