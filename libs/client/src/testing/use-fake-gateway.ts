import WebSocket from 'ws';
import { ChatClient, type ChatClientOptions, type WebSocketFactory } from '..';
import { FakeGateway } from './fake-gateway';

/**
 * A fake gateway per test, and SDK clients against it (closed after the test): short backoff
 * so reconnect tests run in milliseconds.
 */
export function useFakeGateway() {
  const holder: { gateway?: FakeGateway } = {};
  const clients: ChatClient[] = [];
  beforeEach(async () => {
    holder.gateway = await FakeGateway.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await holder.gateway?.stop();
  });
  return {
    gateway: () => holder.gateway!,
    client(options: Partial<ChatClientOptions> = {}) {
      const chat = new ChatClient({
        url: holder.gateway!.url,
        token: 'token-1',
        WebSocket: WebSocket as unknown as WebSocketFactory,
        backoff: { initialMs: 10, maxMs: 40 },
        ...options,
      });
      clients.push(chat);
      return chat;
    },
  };
}
