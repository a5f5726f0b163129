import { waitFor } from '@chat/events/testing';
import { gaplessFrom, recorder, usePipeline, type Pipeline } from './fixture';

/**
 * Clients that lose their connection in the middle of a stream of messages get, once back,
 * exactly what they missed: every seq once, in order, nothing twice.
 */
const MESSAGES = 2000;
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

it(`gives every client all of ${MESSAGES} messages exactly once across reconnects`, async () => {
  const [a, b] = pipeline.gateways;
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(pipeline.user) as [
    string,
    string,
    string,
  ];

  // Bob's connection drops now and then and his client resumes on its own; carol closes her
  // client and comes back later on another device and gateway, with the cursors she saved.
  const bobClient = await a.client(bob, 'phone');
  const bobSeen = recorder(bobClient);
  await bobClient.connect();
  const carolFirst = await b.client(carol, 'phone');
  const carolSeenFirst = recorder(carolFirst);
  await carolFirst.connect();
  // Connected before the group exists: its creation (seq 1) reaches them live.
  const sender = await pipeline.api.as(alice);
  const created = await sender.post('/v1/conversations/groups', {
    title: 'Stream',
    members: [bob, carol],
  });
  const conversationId = created.body.conversationId as string;

  let sentCount = 0;
  const sending = (async () => {
    const concurrency = 10;
    const next = () => sentCount++;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next(); i < MESSAGES; i = next()) {
          const response = await sender.post(`/v1/conversations/${conversationId}/messages`, {
            clientMessageId: `stream-${i}`,
            body: `message ${i}`,
          });
          expect(response.status).toBe(202);
        }
      }),
    );
  })();

  // In the middle of the stream: bob's connection drops three times; carol goes away.
  for (const atSent of [300, 800, 1400]) {
    await waitFor(`${atSent} sent`, () => (sentCount >= atSent ? true : undefined), {
      timeoutMs: 120000,
    });
    bobClient.reconnect();
    if (atSent === 800) carolFirst.close();
  }
  await sending;
  const carolCursors = carolFirst.cursors();
  const carolBack = await a.client(carol, 'tablet', carolCursors);
  const carolSeenBack = recorder(carolBack);
  await carolBack.connect();

  const last = MESSAGES + 1; // the group's creation is seq 1
  await waitFor(
    'every message at bob and carol',
    () =>
      bobSeen.seqs(conversationId).at(-1) === last &&
      carolSeenBack.seqs(conversationId).at(-1) === last
        ? true
        : undefined,
    { timeoutMs: 120000, intervalMs: 200 },
  ).catch((error: Error) => {
    // Where each stream stopped tells a stalled projection from a client that stopped asking.
    const where = (seqs: number[]) => `${seqs.length} seqs, last ${seqs.at(-1)}`;
    throw new Error(
      `${error.message}: bob ${where(bobSeen.seqs(conversationId))} (${bobClient.state}), ` +
        `carol ${where(carolSeenBack.seqs(conversationId))} (${carolBack.state})`,
    );
  });
  expect(gaplessFrom(bobSeen.seqs(conversationId), 1, last)).toBe(true);
  const carolBefore = carolSeenFirst.seqs(conversationId);
  const carolAfter = carolSeenBack.seqs(conversationId);
  expect(carolBefore.length).toBeGreaterThan(0);
  // Carol's two sessions together: every seq once, the second starting where the first stopped.
  expect(gaplessFrom([...carolBefore, ...carolAfter], 1, last)).toBe(true);
  expect(carolAfter[0]).toBe(carolCursors[conversationId]! + 1);
  const bodies = bobSeen.messages(conversationId).map((m) => m.body);
  expect(new Set(bodies).size).toBe(MESSAGES);
}, 300000);
