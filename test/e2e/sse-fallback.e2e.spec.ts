import { waitFor } from '@chat/events/testing';
import type { ServerFrame } from '@chat/protocol';
import { gaplessFrom, usePipeline, type Pipeline } from './fixture';

/** Clients that cannot use WebSocket get the same stream, and the same resume, over SSE. */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

/** Opens the event stream and collects its frames until aborted. */
async function openStream(userId: string, cursors: Record<string, number> = {}) {
  const gateway = pipeline.gateways[1];
  const base = gateway.url.replace(/^ws/, 'http').replace(/\/v1\/ws$/, '');
  const token = await gateway.token(userId, 'browser');
  const abort = new AbortController();
  const query = new URLSearchParams({ access_token: token, cursors: JSON.stringify(cursors) });
  const response = await fetch(`${base}/v1/stream?${query}`, { signal: abort.signal });
  const frames: ServerFrame[] = [];
  if (response.ok) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffered += decoder.decode(chunk, { stream: true });
          const events = buffered.split('\n\n');
          buffered = events.pop()!;
          for (const event of events) {
            const data = event.split('\n').find((line) => line.startsWith('data: '));
            if (data && !event.startsWith('event: close')) frames.push(JSON.parse(data.slice(6)));
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  const seqs = (conversationId: string) =>
    frames.flatMap((f) =>
      (f.type === 'message' || f.type === 'membership') && f.conversationId === conversationId
        ? [f.seq]
        : [],
    );
  return { response, frames, seqs, close: () => abort.abort() };
}

it('streams over SSE and resumes from cursors with no gap and no duplicate', async () => {
  const [alice, bob] = ['alice', 'bob'].map(pipeline.user) as [string, string];
  const first = await openStream(bob);
  expect(first.response.headers.get('content-type')).toMatch(/text\/event-stream/);
  await waitFor('synced', () => (first.frames.some((f) => f.type === 'synced') ? true : undefined));
  const sender = await pipeline.api.as(alice);
  const created = await sender.post('/v1/conversations/groups', { title: 'SSE', members: [bob] });
  const conversationId = created.body.conversationId as string;
  const send = async (i: number) =>
    expect(
      (
        await sender.post(`/v1/conversations/${conversationId}/messages`, {
          clientMessageId: `sse-${i}`,
          body: `message ${i}`,
        })
      ).status,
    ).toBe(202);
  for (let i = 0; i < 5; i++) await send(i);
  await waitFor('six items', () => (first.seqs(conversationId).length === 6 ? true : undefined), {
    timeoutMs: 30000,
  });
  first.close();

  for (let i = 5; i < 10; i++) await send(i);
  const second = await openStream(bob, { [conversationId]: 6 });
  await waitFor('the rest', () => (second.seqs(conversationId).at(-1) === 11 ? true : undefined), {
    timeoutMs: 30000,
  });
  second.close();
  expect(gaplessFrom([...first.seqs(conversationId), ...second.seqs(conversationId)], 1, 11)).toBe(
    true,
  );
});

it('refuses a stream without a valid token or with bad cursors, with a problem body', async () => {
  const gateway = pipeline.gateways[1];
  const base = gateway.url.replace(/^ws/, 'http').replace(/\/v1\/ws$/, '');
  const anonymous = await fetch(`${base}/v1/stream`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ code: 'missing-token' });
  const token = await gateway.token(pipeline.user('carol'));
  const bad = await fetch(`${base}/v1/stream?access_token=${token}&cursors=%7Bnope`);
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ code: 'invalid-cursors' });
});
