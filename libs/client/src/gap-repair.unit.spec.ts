import WebSocket from 'ws';
import { ChatClient, type WebSocketFactory } from '.';
import { FakeGateway, messageChange } from './testing/fake-gateway';
import { collect, until } from './testing/wait';

let gateway: FakeGateway;
const clients: ChatClient[] = [];

beforeEach(async () => {
  gateway = await FakeGateway.start();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await gateway.stop();
});

function client(cursors?: Record<string, number>) {
  const chat = new ChatClient({
    url: gateway.url,
    token: 'token-1',
    WebSocket: WebSocket as unknown as WebSocketFactory,
    cursors,
    backoff: { initialMs: 10, maxMs: 50 },
  });
  clients.push(chat);
  return chat;
}

const seqsOf = (events: { item: { seq: number } }[]) => events.map((e) => e.item.seq);

it('repairs a gap without stalling: the answer to its sync is not queued behind the frame that needed it', async () => {
  gateway.record(messageChange('g', 1, 1));
  gateway.record(messageChange('g', 2, 2));
  const chat = client({ g: 2 });
  const messages = collect<{ item: { seq: number } }>(chat, 'message');
  await chat.connect();

  gateway.record(messageChange('g', 3, 3)); // its live publication was lost
  gateway.publish(messageChange('g', 4, 4));
  gateway.publish(messageChange('g', 5, 5));

  await until(() => messages.length === 3, 'messages 3, 4 and 5');
  expect(seqsOf(messages)).toEqual([3, 4, 5]);
  // Requests still settle afterwards.
  await expect(chat.history('g')).resolves.toEqual({ items: [], nextBeforeSeq: null });
});
