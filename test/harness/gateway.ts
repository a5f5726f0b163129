import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { mintToken } from '@chat/auth';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import { loadConfigWith, type Env } from '@chat/config';
import { createApp } from '@chat/platform';
import { gatewaySpec } from '../../apps/gateway/src/gateway.app';

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
