import { waitFor } from '@chat/events/testing';
import { rawSocket } from '../harness/raw-socket';
import { usePipeline, type Pipeline } from './fixture';

/**
 * The `search` frame answers what GET /v1/search answers: the messages the user may read,
 * and not-a-member for a conversation they are not in.
 */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

it('finds a member a message over the socket as over HTTP, and refuses an outsider', async () => {
  const alice = pipeline.user('searcher');
  const outsider = pipeline.user('search-outsider');
  const created = await (
    await pipeline.api.as(alice)
  ).post('/v1/conversations/groups', { title: 'Search', members: [pipeline.user('peer')] });
  expect(created.status).toBe(202);
  const conversationId = created.body.conversationId as string;
  const sent = await (
    await pipeline.api.as(alice)
  ).post(`/v1/conversations/${conversationId}/messages`, {
    clientMessageId: 'search-1',
    body: 'the zeppelin lands at noon',
  });
  expect(sent.status).toBe(202);

  const gateway = pipeline.gateways[0];
  const socket = await rawSocket(gateway.url, await gateway.token(alice, 'phone'));
  await socket.next('synced');
  const found = await waitFor('the message indexed', async () => {
    const answer = await socket.request({ type: 'search', q: 'zeppelin', conversationId });
    const items = (answer.result as { items?: unknown[] } | undefined)?.items ?? [];
    return answer.type === 'result' && items.length === 1 ? answer : undefined;
  });
  expect(found.result).toMatchObject({
    items: [{ conversationId, messageId: sent.body.messageId, senderId: alice }],
    next: null,
  });
  const overHttp = await (
    await pipeline.api.as(alice)
  ).send('GET', `/v1/search?q=zeppelin&conversationId=${conversationId}`);
  expect(overHttp.status).toBe(200);
  expect(found.result).toEqual(overHttp.body);
  socket.close();

  const stranger = await rawSocket(gateway.url, await gateway.token(outsider, 'phone'));
  await stranger.next('synced');
  const refused = await stranger.request({ type: 'search', q: 'zeppelin', conversationId });
  expect(refused).toMatchObject({ type: 'error', code: 'not-a-member' });
  const nothing = await stranger.request({ type: 'search', q: 'zeppelin' });
  expect(nothing).toMatchObject({ type: 'result', result: { items: [], next: null } });
  stranger.close();
});
