import { ChatError, State, type ClientFrameV2 } from '.';
import type { FakeRequest } from './testing/fake-gateway';
import { useFakeGateway } from './testing/use-fake-gateway';
import { until } from './testing/wait';

const fake = useFakeGateway();
const sendsOf = (received: ClientFrameV2[]) =>
  received.filter((f): f is FakeRequest & { type: 'send' } => f.type === 'send');

it('fails a request that gets no answer within its timeout, and ignores the late answer', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ requestTimeoutMs: 5000 });
  await chat.connect();
  let late: FakeRequest | undefined;
  gateway.onRequest = (request) => {
    late = request;
    return 'silence';
  };

  const started = Date.now();
  const error = await chat.history('g', {}, { timeoutMs: 50 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChatError);
  expect(error).toMatchObject({ code: 'timeout', retriable: true });
  expect(Date.now() - started).toBeLessThan(1000);

  gateway.send({ type: 'result', id: late!.id, result: { items: [], nextBeforeSeq: null } });
  gateway.onRequest = null;
  await expect(chat.inbox()).resolves.toEqual({});
});

it('times out every kind of request at the configured timeout', async () => {
  const chat = fake.client({ requestTimeoutMs: 30 });
  await chat.connect();
  fake.gateway().onRequest = () => 'silence';
  const requests = [
    chat.ack('g', 1),
    chat.read('g', 1),
    chat.history('g'),
    chat.inbox(),
    chat.subscribePresence(['bob']),
    chat.unsubscribePresence(['bob']),
    chat.send('g', { body: 'hi' }, { attempts: 1 }),
  ];
  const outcomes = await Promise.allSettled(requests);
  expect(
    outcomes.map((o) => (o.status === 'rejected' ? (o.reason as ChatError).code : 'ok')),
  ).toEqual(Array(requests.length).fill('timeout'));
});

it('counts the timeout from the call, while it waits for a connection too', async () => {
  const gateway = fake.gateway();
  gateway.authorize = () => ({ code: 1011, reason: 'down' });
  const chat = fake.client();
  void chat.connect().catch(() => undefined);
  await expect(chat.inbox({}, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'timeout' });
  expect(chat.state).not.toBe(State.Connected);
});

it('retries a send refused with a retriable 503 with the same clientMessageId', async () => {
  const gateway = fake.gateway();
  const chat = fake.client();
  await chat.connect();
  let refusals = 0;
  gateway.onRequest = (request) =>
    request.type === 'send' && refusals++ < 2
      ? { error: { code: 'log-unavailable', message: 'the event log is unavailable' } }
      : undefined;

  const sending = chat.send('g', { body: 'once' });
  const id = sending.clientMessageId;
  expect(id).toMatch(/^[0-9a-f]{24}$/);
  await expect(sending).resolves.toEqual({
    conversationId: 'g',
    messageId: `m-${id}`,
    eventIds: [`e-${id}`],
    clientMessageId: id,
  });
  expect(sendsOf(gateway.received).map((s) => s.clientMessageId)).toEqual([id, id, id]);
});

it('retries a timed-out send with the same clientMessageId, so a late append is not posted twice', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ requestTimeoutMs: 40 });
  await chat.connect();
  gateway.onRequest = (request) =>
    request.type === 'send' && gateway.sends.get(request.clientMessageId) === 1
      ? 'silence'
      : undefined;

  const result = await chat.send('g', { body: 'slow' });
  expect(gateway.sends.get(result.clientMessageId)).toBe(2);
  expect(gateway.sends.size).toBe(1);
});

it('sends a pending send again after a reconnect, with the same clientMessageId', async () => {
  const gateway = fake.gateway();
  const chat = fake.client();
  await chat.connect();
  gateway.onRequest = (request) =>
    request.type === 'send' && gateway.connections === 1 ? 'silence' : undefined;

  const sending = chat.send('g', { body: 'across a reconnect' });
  await gateway.waitFor((f) => f.type === 'send');
  gateway.drop();
  const result = await sending;
  expect(gateway.connections).toBe(2);
  expect(sendsOf(gateway.received).map((s) => s.clientMessageId)).toEqual([
    result.clientMessageId,
    result.clientMessageId,
  ]);
});

it('sends with a clientMessageId the app saved, and does not retry a refusal that cannot change', async () => {
  const gateway = fake.gateway();
  const chat = fake.client();
  await chat.connect();
  await expect(
    chat.send('g', { body: 'saved' }, { clientMessageId: 'draft-7' }),
  ).resolves.toMatchObject({
    clientMessageId: 'draft-7',
    messageId: 'm-draft-7',
  });
  gateway.onRequest = () => ({ error: { code: 'not-a-member', message: 'not a member' } });
  await expect(
    chat.send('g', { body: 'no' }, { clientMessageId: 'draft-8' }),
  ).rejects.toMatchObject({
    code: 'not-a-member',
    retriable: false,
  });
  expect(gateway.sends.get('draft-8')).toBe(1);
});

it('gives up a send after its attempts, with the id to retry later', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ sendAttempts: 3 });
  await chat.connect();
  gateway.onRequest = () => ({ error: { code: 'views-unavailable', message: 'down' } });
  const sending = chat.send('g', { body: 'later' });
  await expect(sending).rejects.toMatchObject({ code: 'views-unavailable', retriable: true });
  expect(gateway.sends.get(sending.clientMessageId)).toBe(3);

  gateway.onRequest = null;
  const retried = await chat.send(
    'g',
    { body: 'later' },
    { clientMessageId: sending.clientMessageId },
  );
  expect(retried.messageId).toBe(`m-${sending.clientMessageId}`);
});

it('refuses a frame over 64 KiB before sending it (the gateway would close with 1009)', async () => {
  const chat = fake.client();
  await chat.connect();
  await expect(chat.send('g', { body: 'x'.repeat(70_000) })).rejects.toMatchObject({
    code: 'frame-too-big',
  });
  expect(fake.gateway().sends.size).toBe(0);
});

it('fails pending requests and send retries at once when closed', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ backoff: { initialMs: 5000, maxMs: 5000 } });
  await chat.connect();
  gateway.onRequest = (request) =>
    request.type === 'send' ? { error: { code: 'log-unavailable', message: 'down' } } : 'silence';
  const history = chat.history('g');
  const sending = chat.send('g', { body: 'x' });
  await until(() => gateway.sends.size === 1, 'the first attempt');
  chat.close();
  await expect(history).rejects.toMatchObject({ code: 'closed' });
  await expect(sending).rejects.toMatchObject({ code: 'closed' });
});
