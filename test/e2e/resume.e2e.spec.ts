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

it('gives a device back after more than a resume holds everything, with nothing sent afterwards', async () => {
  const [a] = pipeline.gateways;
  const [dan, eve] = ['dan', 'eve'].map(pipeline.user) as [string, string];
  // Dan's laptop, connected from the start, shows when every message is projected.
  const watcher = await a.client(dan, 'laptop');
  const watched = recorder(watcher);
  await watcher.connect();
  const sender = await pipeline.api.as(dan);
  const created = await sender.post('/v1/conversations/groups', { title: 'Away', members: [eve] });
  const conversationId = created.body.conversationId as string;
  // The resume sends 1,000 changes per conversation; these are more, all projected before eve
  // is back, so no live change follows to show her device the rest exists.
  const away = 1100;
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let i = next++; i < away; i = next++) {
        const response = await sender.post(`/v1/conversations/${conversationId}/messages`, {
          clientMessageId: `away-${i}`,
          body: `message ${i}`,
        });
        expect(response.status).toBe(202);
      }
    }),
  );
  await waitFor(
    'every message projected',
    () => (watched.seqs(conversationId).at(-1) === away + 1 ? true : undefined),
    { timeoutMs: 60000 },
  );
  watcher.close();

  const eveBack = await a.client(eve, 'phone', { [conversationId]: 1 });
  const eveSeen = recorder(eveBack);
  await eveBack.connect();
  // Once connected, the device has everything: connect() resolves when it is caught up.
  expect(gaplessFrom(eveSeen.seqs(conversationId), 2, away + 1)).toBe(true);
  expect(eveBack.cursors()[conversationId]).toBe(away + 1);
  eveBack.close();
}, 120000);
