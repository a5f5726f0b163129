import { ChatError, type MessageEvent } from '.';
import { messageChange, type FakeRequest } from './testing/fake-gateway';
import { useFakeGateway } from './testing/use-fake-gateway';
import { collect, until } from './testing/wait';

/**
 * Whether a refusal is tried again is the server's word (`retriable` on its error frame and
 * problem bodies), and so is how long to wait first (`retryAfterMs`): the SDK keeps no list of
 * server codes. Only the failures it makes itself (timeout, closed, ...) it judges alone.
 */
const fake = useFakeGateway();

it('retries a send the server calls retriable, whatever its code', async () => {
  const gateway = fake.gateway();
  const chat = fake.client();
  await chat.connect();
  let refusals = 0;
  // A code the catalogue calls final, said retriable by the server: the server's word counts.
  gateway.onRequest = (request) =>
    request.type === 'send' && refusals++ < 2
      ? { error: { code: 'not-a-member', message: 'not yet', retriable: true } }
      : undefined;

  const sending = chat.send('g', { body: 'again' });
  await expect(sending).resolves.toMatchObject({ clientMessageId: sending.clientMessageId });
  expect(gateway.sends.get(sending.clientMessageId)).toBe(3);
});

it('does not retry a send the server calls final, whatever its code', async () => {
  const gateway = fake.gateway();
  const chat = fake.client();
  await chat.connect();
  // A code the catalogue calls retriable, said final by the server.
  gateway.onRequest = () => ({
    error: { code: 'log-unavailable', message: 'gone for good', retriable: false },
  });

  const sending = chat.send('g', { body: 'once' });
  await expect(sending).rejects.toMatchObject({ code: 'log-unavailable', retriable: false });
  expect(gateway.sends.get(sending.clientMessageId)).toBe(1);
});

it('takes a refusal without a word on retrying as final', async () => {
  const gateway = fake.gateway();
  const chat = fake.client();
  await chat.connect();
  gateway.onRequest = (request) => {
    gateway.send({ type: 'error', id: request.id, code: 'overloaded', message: 'old server' });
    return 'silence';
  };
  const sending = chat.send('g', { body: 'once' });
  await expect(sending).rejects.toMatchObject({ code: 'overloaded', retriable: false });
  expect(gateway.sends.get(sending.clientMessageId)).toBe(1);
});

it('waits at least the retryAfterMs the server asked before sending again', async () => {
  const gateway = fake.gateway();
  // Backoff of 10 to 40 ms: any wait past that is the server's.
  const chat = fake.client();
  await chat.connect();
  const at: number[] = [];
  gateway.onRequest = (request) => {
    if (request.type !== 'send') return undefined;
    at.push(Date.now());
    return at.length === 1
      ? { error: { code: 'rate-limited', message: 'slow down', retryAfterMs: 300 } }
      : undefined;
  };

  await chat.send('g', { body: 'patient' });
  expect(at).toHaveLength(2);
  expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(300);
});

it("hands the server's refusal to the app with its retriable and retryAfterMs", async () => {
  const gateway = fake.gateway();
  const chat = fake.client();
  await chat.connect();
  gateway.onRequest = () => ({ error: { code: 'too-many-long-polls', message: 'wait' } });
  const error = await chat.history('g').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChatError);
  expect(error).toMatchObject({ code: 'too-many-long-polls', retriable: true, retryAfterMs: 1000 });
});

it('waits at least the retryAfterMs the server asked before repairing a gap again', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ cursors: { g: 0 } });
  const messages = collect<MessageEvent>(chat, 'message');
  await chat.connect();
  const at: number[] = [];
  gateway.onRequest = (request: FakeRequest) => {
    if (request.type !== 'sync') return undefined;
    at.push(Date.now());
    return at.length === 1
      ? { error: { code: 'views-unavailable', message: 'down', retryAfterMs: 250 } }
      : undefined;
  };
  gateway.record(messageChange('g', 1, 1));
  gateway.publish(messageChange('g', 2, 2));
  await until(() => messages.length === 2, 'messages 1 and 2');
  expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(250);
});

it('judges the failures it makes itself: a timeout may be retried, a closed client not', () => {
  expect(new ChatError('timeout', 'no answer')).toMatchObject({ retriable: true });
  expect(new ChatError('disconnected', 'socket lost')).toMatchObject({ retriable: true });
  expect(new ChatError('closed', 'closed')).toMatchObject({ retriable: false });
  expect(new ChatError('frame-too-big', 'too big')).toMatchObject({ retriable: false });
  // A server code is not the client's to judge: without the server's word it is final.
  expect(new ChatError('log-unavailable', 'down')).toMatchObject({ retriable: false });
});

it('reads retriable and retryAfterMs from a refused upload’s problem body', async () => {
  const fetch = (async () =>
    new Response(
      JSON.stringify({
        status: 503,
        code: 'media-store-unavailable',
        title: 'Service Unavailable',
        detail: 'object storage is down',
        retriable: true,
        retryAfterMs: 2000,
      }),
      { status: 503, headers: { 'retry-after': '2' } },
    )) as unknown as typeof globalThis.fetch;
  const chat = fake.client({ apiUrl: 'http://api', fetch });
  await chat.connect();
  const error = await chat
    .sendMedia('g', { bytes: new Uint8Array(3), contentType: 'image/png' })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChatError);
  expect(error).toMatchObject({
    code: 'media-store-unavailable',
    message: 'object storage is down',
    retriable: true,
    retryAfterMs: 2000,
  });
});
