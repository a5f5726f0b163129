import { waitFor } from '@chat/events/testing';
import { recorder, gaplessFrom, usePipeline, type Pipeline } from './fixture';

/**
 * Messages through the whole durable pipeline, to real sockets: command API -> Kafka ->
 * projectors -> Redis -> two gateway instances -> SDK clients.
 */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

async function group(admin: string, members: string[]) {
  const client = await pipeline.api.as(admin);
  const created = await client.post('/v1/conversations/groups', { title: 'Team', members });
  expect(created.status).toBe(202);
  return created.body.conversationId as string;
}

describe('delivery', () => {
  it('reaches every device of every member, across two gateway instances, in one order', async () => {
    const [a, b] = pipeline.gateways;
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(pipeline.user) as [
      string,
      string,
      string,
    ];
    const devices = {
      alicePhone: await a.client(alice, 'phone'),
      aliceLaptop: await b.client(alice, 'laptop'),
      bob: await b.client(bob, 'phone'),
      carol: await a.client(carol, 'phone'),
    };
    const seen = Object.fromEntries(
      Object.entries(devices).map(([name, c]) => [name, recorder(c)]),
    );
    await Promise.all(Object.values(devices).map((c) => c.connect()));

    const conversationId = await group(alice, [bob, carol]);
    await waitFor(
      'the group on every device',
      () =>
        Object.values(seen).every((r) => r.seqs(conversationId).includes(1)) ? true : undefined,
      { timeoutMs: 30000 },
    );
    const sent = [];
    for (let i = 0; i < 5; i++) {
      sent.push(await devices.alicePhone.send(conversationId, { body: `hello ${i}` }));
    }
    await devices.bob.send(conversationId, { body: 'hi from bob' });
    await waitFor(
      'six messages on every device',
      () =>
        Object.values(seen).every((r) => r.messages(conversationId).length === 6)
          ? true
          : undefined,
      { timeoutMs: 30000 },
    );
    for (const r of Object.values(seen)) {
      expect(gaplessFrom(r.seqs(conversationId), 1, 7)).toBe(true);
      expect(r.messages(conversationId).map((m) => m.body)).toEqual([
        'hello 0',
        'hello 1',
        'hello 2',
        'hello 3',
        'hello 4',
        'hi from bob',
      ]);
    }
    expect(seen.bob!.messages(conversationId)[0]!.messageId).toBe(sent[0]!.messageId);
  });

  it('delivers a direct message to both sides only', async () => {
    const [a, b] = pipeline.gateways;
    const [dan, erin, frank] = ['dan', 'erin', 'frank'].map(pipeline.user) as [
      string,
      string,
      string,
    ];
    const danClient = await a.client(dan, 'phone');
    const erinClient = await b.client(erin, 'phone');
    const frankClient = await b.client(frank, 'phone');
    const [danSeen, erinSeen, frankSeen] = [danClient, erinClient, frankClient].map(recorder);
    await Promise.all([danClient, erinClient, frankClient].map((c) => c.connect()));
    const opened = await (
      await pipeline.api.as(dan)
    ).post('/v1/conversations/direct', { peerId: erin });
    const conversationId = opened.body.conversationId as string;
    await waitFor(
      'the conversation on both sides',
      () =>
        danSeen!.seqs(conversationId).length > 0 && erinSeen!.seqs(conversationId).length > 0
          ? true
          : undefined,
      { timeoutMs: 30000 },
    );
    await danClient.send(conversationId, { body: 'psst' });
    await waitFor(
      'erin has it',
      () => (erinSeen!.messages(conversationId).length === 1 ? true : undefined),
      {
        timeoutMs: 30000,
      },
    );
    expect(frankSeen!.seqs(conversationId)).toEqual([]);
  });

  it('streams edits, reactions, receipts and deletes of a message to both sides', async () => {
    const [a, b] = pipeline.gateways;
    const [gus, hal] = ['gus', 'hal'].map(pipeline.user) as [string, string];
    const gusClient = await a.client(gus, 'phone');
    const halClient = await b.client(hal, 'phone');
    const frames: Record<string, string[]> = { gus: [], hal: [] };
    for (const [name, client] of [
      ['gus', gusClient],
      ['hal', halClient],
    ] as const) {
      client.on('edit', (f) => frames[name]!.push(`edit ${f.seq} ${f.body}`));
      client.on('reaction', (f) => frames[name]!.push(`reaction ${f.seq} ${f.emoji} ${f.present}`));
      client.on('receipt', (f) =>
        frames[name]!.push(`${f.receipt} ${f.upToSeq} by ${f.userId === hal ? 'hal' : 'gus'}`),
      );
      client.on('delete', (f) => frames[name]!.push(`delete ${f.seq}`));
    }
    const halSeen = recorder(halClient);
    await Promise.all([gusClient.connect(), halClient.connect()]);
    const gusHttp = await pipeline.api.as(gus);
    const halHttp = await pipeline.api.as(hal);
    const conversationId = (await gusHttp.post('/v1/conversations/direct', { peerId: hal })).body
      .conversationId as string;
    const { messageId } = await gusClient.send(conversationId, { body: 'first draft' });
    await waitFor(
      'hal has it',
      () => (halSeen.messages(conversationId).length === 1 ? true : undefined),
      {
        timeoutMs: 30000,
      },
    );
    await halClient.read(conversationId, 2);
    const base = `/v1/conversations/${conversationId}/messages/${messageId}`;
    expect((await gusHttp.patch(base, { body: 'final' })).status).toBe(202);
    expect((await halHttp.put(`${base}/reactions/%F0%9F%91%8D`)).status).toBe(202);
    expect((await gusHttp.delete(base)).status).toBe(202);
    const expected = ['read 2 by hal', 'edit 2 final', 'reaction 2 👍 true', 'delete 2'];
    await waitFor(
      'every change on both sides',
      () => (frames.gus!.length >= 4 && frames.hal!.length >= 4 ? true : undefined),
      { timeoutMs: 30000 },
    );
    expect(frames.gus).toEqual(expected);
    expect(frames.hal).toEqual(expected);
  });
});
