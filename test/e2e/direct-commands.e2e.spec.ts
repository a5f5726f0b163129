import { waitFor } from '@chat/events/testing';
import { startCommandApi } from '../harness/command-api';
import { startGateway } from '../harness/gateway';
import { rawSocket } from '../harness/raw-socket';
import { usePipeline, type Pipeline } from './fixture';

/**
 * Sends, acknowledgements and reads over the WebSocket are handled by the gateway itself,
 * with every guarantee of the command API: the same validation, rate limit, idempotency,
 * domain decision, and an answer only after Kafka acknowledged.
 */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

async function groupOf(owner: string, members: string[]) {
  const created = await (
    await pipeline.api.as(owner)
  ).post('/v1/conversations/groups', { title: 'Direct', members });
  expect(created.status).toBe(202);
  return created.body.conversationId as string;
}

async function projected(socket: Awaited<ReturnType<typeof rawSocket>>, conversationId: string) {
  await waitFor('the group projected', async () => {
    const answer = await socket.request({ type: 'history', conversationId });
    return answer.type === 'result' ? true : undefined;
  });
}

it('makes one message of a send retried over the socket, on any gateway, or over HTTP', async () => {
  const alice = pipeline.user('retrier');
  const conversationId = await groupOf(alice, [pipeline.user('reader')]);
  const [one, two] = pipeline.gateways;
  const first = await rawSocket(one.url, await one.token(alice, 'phone'));
  const second = await rawSocket(two.url, await two.token(alice, 'phone'));
  await Promise.all([first.next('synced'), second.next('synced')]);
  await projected(first, conversationId);

  const send = { type: 'send', conversationId, clientMessageId: 'once-1', body: 'hello once' };
  const answers = await Promise.all([
    first.request(send),
    first.request(send),
    second.request(send),
  ]);
  for (const answer of answers) expect(answer.type).toBe('result');
  const messageIds = answers.map((a) => (a.result as { messageId: string }).messageId);
  expect(new Set(messageIds).size).toBe(1);
  const overHttp = await (
    await pipeline.api.as(alice)
  ).post(`/v1/conversations/${conversationId}/messages`, {
    clientMessageId: 'once-1',
    body: 'hello once',
  });
  expect(overHttp.status).toBe(202);
  expect(overHttp.headers.get('idempotent-replayed')).toBe('true');
  expect(overHttp.body.messageId).toBe(messageIds[0]);

  const reused = await first.request({ ...send, body: 'something else' });
  expect(reused).toMatchObject({ type: 'error', code: 'client-message-id-reused' });

  const items = await waitFor('the message projected', async () => {
    const answer = await first.request({ type: 'history', conversationId });
    const list = (answer.result as { items: Array<{ itemKind: string; body: string }> }).items;
    const messages = list.filter((i) => i.itemKind === 'MESSAGE');
    return messages.length > 0 ? messages : undefined;
  });
  // Anything sent twice would be projected by now; wait a little more to be sure.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const again = await first.request({ type: 'history', conversationId });
  const messages = (again.result as { items: Array<{ itemKind: string }> }).items.filter(
    (i) => i.itemKind === 'MESSAGE',
  );
  expect(items).toHaveLength(1);
  expect(messages).toHaveLength(1);
  first.ws.close();
  second.ws.close();
});

it("answers a refused send with the domain's code and an invalid one as HTTP would", async () => {
  const owner = pipeline.user('owner');
  const outsider = pipeline.user('outsider');
  const conversationId = await groupOf(owner, [pipeline.user('insider')]);
  const gateway = pipeline.gateways[0];
  const socket = await rawSocket(gateway.url, await gateway.token(outsider, 'phone'));
  await socket.next('synced');
  const ownerSocket = await rawSocket(gateway.url, await gateway.token(owner, 'phone'));
  await ownerSocket.next('synced');
  await projected(ownerSocket, conversationId);

  expect(
    await socket.request({ type: 'send', conversationId, clientMessageId: 'in-1', body: 'hi' }),
  ).toMatchObject({ type: 'error', code: 'not-a-member' });
  expect(await socket.request({ type: 'read', conversationId, upToSeq: 1 })).toMatchObject({
    type: 'error',
    code: 'not-a-member',
  });
  // The frame is parsed by the command API's own field rules, once: U+0000 cannot be stored.
  expect(
    await ownerSocket.request({
      type: 'send',
      conversationId,
      clientMessageId: 'nul-1',
      body: 'a\u0000b',
    }),
  ).toMatchObject({ type: 'error', code: 'invalid-frame' });
  expect(
    await ownerSocket.request({
      type: 'send',
      conversationId,
      clientMessageId: 'ok-1',
      body: 'ok',
    }),
  ).toMatchObject({ type: 'result', result: { conversationId } });
  socket.ws.close();
  ownerSocket.ws.close();
});

it('spends one budget per user across HTTP and the socket', async () => {
  const budget = { CHAT_RATE_LIMIT_PER_SECOND: '0.01', CHAT_RATE_LIMIT_BURST: '3' };
  const api = await startCommandApi(budget);
  const gateway = await startGateway(budget);
  try {
    const user = pipeline.user('spender');
    const http = await api.as(user);
    const created = await http.post('/v1/conversations/groups', { title: 'Budget', members: [] });
    expect(created.status).toBe(202); // 1 of 3
    const conversationId = created.body.conversationId as string;
    const socket = await rawSocket(gateway.url, await gateway.token(user, 'phone'));
    await socket.next('synced');
    await projected(socket, conversationId);
    const send = (clientMessageId: string) =>
      socket.request({ type: 'send', conversationId, clientMessageId, body: clientMessageId });
    expect(await send('b-2')).toMatchObject({ type: 'result' }); // 2 of 3
    const overHttp = await http.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'b-3',
      body: 'b-3',
    }); // 3 of 3
    expect(overHttp.status).toBe(202);
    expect(await send('b-4')).toMatchObject({ type: 'error', code: 'rate-limited' });
    const refused = await http.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'b-5',
      body: 'b-5',
    });
    expect(refused.status).toBe(429);
    socket.ws.close();
  } finally {
    await gateway.close();
    await api.close();
  }
});

it('answers a retriable error, not a result, when Kafka cannot be reached', async () => {
  const owner = pipeline.user('unlogged');
  const conversationId = await groupOf(owner, []);
  const healthy = pipeline.gateways[0];
  const check = await rawSocket(healthy.url, await healthy.token(owner, 'check'));
  await check.next('synced');
  await projected(check, conversationId);
  check.ws.close();

  const gateway = await startGateway({
    KAFKA_BROKERS: '127.0.0.1:1',
    CHAT_APPEND_TIMEOUT_MS: '1000',
    CHAT_RATE_LIMIT_PER_SECOND: '10000',
    CHAT_RATE_LIMIT_BURST: '10000',
  });
  try {
    const socket = await rawSocket(gateway.url, await gateway.token(owner, 'phone'));
    await socket.next('synced');
    const answer = await socket.request(
      { type: 'send', conversationId, clientMessageId: 'k-1', body: 'lost?' },
      15000,
    );
    expect(answer).toMatchObject({ type: 'error', code: 'log-unavailable' });
    expect(socket.frames.some((f) => f.type === 'result' && f.id === answer.id)).toBe(false);
    socket.ws.close();
  } finally {
    await gateway.close();
  }
});
