import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { mintToken } from '@chat/auth';
import { loadConfigWith, type Config, type Env } from '@chat/config';
import { createApp } from '@chat/platform';
import { commandApiSpec } from '../../apps/command-api/src/command-api.app';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Starts the command API in this process on a free port, with `env` over the environment. */
export async function startCommandApi(env: Env = {}) {
  // Tests mint local tokens; a deployment refuses them, so a test of one goes without.
  const devTokens = env.CHAT_ENVIRONMENT === 'deployed' ? {} : { CHAT_DEV_TOKENS: 'on' };
  const config: Config = loadConfigWith({ LOG_LEVEL: 'silent', ...devTokens, ...env });
  const app: INestApplication = await createApp(commandApiSpec, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  async function request(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: unknown;
      raw?: Uint8Array | string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: Uint8Array | string | undefined = options.raw;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** A client acting as one user (and device). */
  async function as(userId: string, deviceId = 'device-1') {
    const { token } = await mintToken(config.auth, { userId, deviceId });
    const call = (method: string) => (path: string, body?: unknown) =>
      request(method, path, { token, body });
    return {
      userId,
      token,
      post: call('POST'),
      put: call('PUT'),
      patch: call('PATCH'),
      delete: call('DELETE'),
      send: (method: string, path: string, body?: unknown) => call(method)(path, body),
    };
  }

  return { app, config, baseUrl, request, as, close: () => app.close() };
}

export type CommandApi = Awaited<ReturnType<typeof startCommandApi>>;
