import { waitFor } from '@chat/events/testing';
import type { WireItem } from '@chat/protocol';
import { rawSocket } from '../harness/raw-socket';
import { usePipeline, type Pipeline } from './fixture';

/** Sends pipelined on one socket reach the log, and so every member, in the order sent. */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

it('keeps the order of sends pipelined on one socket', async () => {
  const alice = pipeline.user('pipeliner');
  const bob = pipeline.user('listener');
  const created = await (
    await pipeline.api.as(alice)
  ).post('/v1/conversations/groups', { title: 'In order', members: [bob] });
  const conversationId = created.body.conversationId as string;
  const gateway = pipeline.gateways[0];
  const socket = await rawSocket(gateway.url, await gateway.token(alice, 'phone'));
  await socket.next('synced');
  await waitFor('the group projected', async () => {
    const answer = await socket.request({ type: 'history', id: 'h0', conversationId });
    return answer.type === 'result' ? true : undefined;
  });

  const count = 40;
  const order = Array.from({ length: count }, (_, i) => `m-${String(i).padStart(2, '0')}`);
  // All at once, without waiting for answers.
  for (const id of order) {
    socket.send({ type: 'send', id, conversationId, clientMessageId: id, body: id });
  }
  for (const id of order) {
    expect(await socket.next((f) => f.id === id, 20000)).toMatchObject({ type: 'result' });
  }
  const bodies = await waitFor(
    'every message projected',
    async () => {
      const answer = await socket.request({
        type: 'history',
        id: `h-${Date.now()}`,
        conversationId,
        limit: 100,
      });
      const items = ((answer.result as { items?: WireItem[] })?.items ?? []).filter(
        (item) => item.itemKind === 'MESSAGE',
      );
      return items.length === count ? items.map((item) => item.body).reverse() : undefined;
    },
    { timeoutMs: 30000 },
  );
  expect(bodies).toEqual(order);
  socket.close();
});
