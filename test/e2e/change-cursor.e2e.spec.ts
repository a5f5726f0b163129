import { waitFor } from '@chat/events/testing';
import { rawSocket, type Frame } from '../harness/raw-socket';
import { usePipeline, type Pipeline } from './fixture';

/**
 * Every change a device can see has a cursor, the change sequence `cs`: resume delivers each
 * one after the device's cursor exactly once (edits, deletes, reactions, direct receipts, its
 * own removal), `sync` reads at one timeline position, and live changes to messages from before
 * a member joined reach that member as a `skip` only. Raw sockets: this is the wire itself.
 */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

const socketOf = async (userId: string, cursors?: Record<string, number>, gateway = 0) => {
  const g = pipeline.gateways[gateway as 0 | 1];
  return rawSocket(g.url, await g.token(userId, 'phone'), { cursors });
};

const hasCs = (conversationId: string, cs: number) => (frames: Frame[]) =>
  frames.some((f) => f.conversationId === conversationId && f.cs === cs);

it('gives a device back every change after its cursor once: edits, reactions, receipts, deletes', async () => {
  const [gus, hal] = ['gus', 'hal'].map(pipeline.user) as [string, string];
  const gusHttp = await pipeline.api.as(gus);
  const gusLive = await socketOf(gus);
  let hal1 = await socketOf(hal);
  await Promise.all([gusLive.synced(), hal1.synced()]);
  const conversationId = (await gusHttp.post('/v1/conversations/direct', { peerId: hal })).body
    .conversationId as string;
  const sent = await gusHttp.post(`/v1/conversations/${conversationId}/messages`, {
    clientMessageId: 'draft',
    body: 'first draft',
  });
  const messageId = sent.body.messageId as string;
  await hal1.until('the message at hal', hasCs(conversationId, 2));
  const cursors = hal1.cursors();
  expect(cursors[conversationId]).toBe(2);
  hal1.close();

  // While hal is away: an edit, a reaction, gus's read receipt, and a delete for everyone.
  const base = `/v1/conversations/${conversationId}/messages/${messageId}`;
  expect((await gusHttp.patch(base, { body: 'final' })).status).toBe(202);
  expect((await gusHttp.put(`${base}/reactions/%F0%9F%91%8D`)).status).toBe(202);
  expect(
    (await gusHttp.post(`/v1/conversations/${conversationId}/read`, { upToSeq: 2 })).status,
  ).toBe(202);
  expect((await gusHttp.delete(base)).status).toBe(202);
  await gusLive.until('every change projected', hasCs(conversationId, 6));

  hal1 = await socketOf(hal, cursors, 1);
  await hal1.synced();
  expect(hal1.typesAndCs(conversationId)).toEqual([
    ['edit', 3],
    ['reaction', 4],
    ['receipt', 5],
    ['delete', 6],
  ]);
  const [, reaction, receipt, deleted] = hal1.changes(conversationId);
  expect(reaction).toMatchObject({ messageId, emoji: '👍', userId: gus, present: true });
  expect(receipt).toMatchObject({ userId: gus, receipt: 'read', upToSeq: 2 });
  expect(deleted).toMatchObject({ messageId, deletedBy: gus });
  // The synced frame counts them; nothing comes twice.
  expect(hal1.frames.find((f) => f.type === 'synced')).toMatchObject({ changes: 4 });
  hal1.close();
  gusLive.close();
});

it('tells a removed device of its removal on resume, and nothing after it, in resume and sync', async () => {
  const [ann, ben] = ['ann', 'ben'].map(pipeline.user) as [string, string];
  const annHttp = await pipeline.api.as(ann);
  const annLive = await socketOf(ann);
  let benSocket = await socketOf(ben);
  await Promise.all([annLive.synced(), benSocket.synced()]);
  const group = (await annHttp.post('/v1/conversations/groups', { title: 'Out', members: [ben] }))
    .body.conversationId as string;
  await benSocket.until('the group at ben', hasCs(group, 1));
  const cursors = benSocket.cursors();
  benSocket.close();

  const send = (clientMessageId: string) =>
    annHttp.post(`/v1/conversations/${group}/messages`, { clientMessageId, body: clientMessageId });
  await send('before');
  expect((await annHttp.delete(`/v1/conversations/${group}/members/${ben}`)).status).toBe(202);
  await send('after');
  await annLive.until('everything projected', hasCs(group, 4));

  benSocket = await socketOf(ben, cursors);
  await benSocket.synced();
  expect(benSocket.typesAndCs(group)).toEqual([
    ['message', 2],
    ['membership', 3],
  ]);
  expect(benSocket.changes(group)[1]).toMatchObject({
    item: { eventType: 'MemberRemoved', notice: { userId: ben } },
  });
  const all = await benSocket.request({ type: 'sync', conversationId: group, afterCs: 0 });
  expect((all.result as { changes: Frame[] }).changes.map((c) => [c.type, c.cs])).toEqual([
    ['membership', 1],
    ['message', 2],
    ['membership', 3],
  ]);
  expect(all.result).toMatchObject({ throughCs: 4, more: false });
  const after = await benSocket.request({ type: 'sync', conversationId: group, afterCs: 3 });
  expect(after).toMatchObject({ type: 'error', code: 'not-a-member' });
  benSocket.close();
  annLive.close();
});

it('sends a member only the cs of a change to a message from before they joined', async () => {
  const [cal, dot, eve] = ['cal', 'dot', 'eve'].map(pipeline.user) as [string, string, string];
  const calHttp = await pipeline.api.as(cal);
  const [dotLive, eveLive] = [await socketOf(dot), await socketOf(eve, {}, 1)];
  await Promise.all([dotLive.synced(), eveLive.synced()]);
  const group = (await calHttp.post('/v1/conversations/groups', { title: 'Late', members: [dot] }))
    .body.conversationId as string;
  const old = (
    await calHttp.post(`/v1/conversations/${group}/messages`, {
      clientMessageId: 'old',
      body: 'old',
    })
  ).body.messageId as string;
  expect((await calHttp.post(`/v1/conversations/${group}/members`, { userId: eve })).status).toBe(
    202,
  );
  // cs 4, 5: changes to the message eve never saw; cs 6: a new one.
  await calHttp.patch(`/v1/conversations/${group}/messages/${old}`, { body: 'old, edited' });
  await calHttp.put(`/v1/conversations/${group}/messages/${old}/reactions/%F0%9F%91%8D`);
  await calHttp.post(`/v1/conversations/${group}/messages`, {
    clientMessageId: 'new',
    body: 'new',
  });
  await Promise.all([
    dotLive.until('cs 6 at dot', hasCs(group, 6)),
    eveLive.until('cs 6 at eve', hasCs(group, 6)),
  ]);
  expect(eveLive.typesAndCs(group)).toEqual([
    ['membership', 3],
    ['skip', 4],
    ['skip', 5],
    ['message', 6],
  ]);
  expect(dotLive.typesAndCs(group).map(([type]) => type)).toEqual([
    'membership',
    'message',
    'membership',
    'edit',
    'reaction',
    'message',
  ]);
  expect(JSON.stringify(eveLive.frames)).not.toContain('old, edited');
  dotLive.close();
  eveLive.close();
});

it('visits every conversation on resume, past 200, even one that gets a message meanwhile', async () => {
  const CONVERSATIONS = 230;
  const [kim, lee] = ['kim', 'lee'].map(pipeline.user) as [string, string];
  const kimHttp = await pipeline.api.as(kim);
  const groups: string[] = [];
  // Created one after the other: groups[0] has the oldest activity, the last page by activity.
  for (let i = 0; i < CONVERSATIONS; i += 10) {
    const made = await Promise.all(
      Array.from({ length: Math.min(10, CONVERSATIONS - i) }, async (_, j) => {
        const created = await kimHttp.post('/v1/conversations/groups', {
          title: `many ${i + j}`,
          members: [lee],
        });
        const id = created.body.conversationId as string;
        // A client message id is the sender's, across conversations: one per message. The
        // command API may not know the group for a moment (its view lags the log).
        await waitFor(
          'the first message accepted',
          async () => {
            const sent = await kimHttp.post(`/v1/conversations/${id}/messages`, {
              clientMessageId: `first-${i + j}`,
              body: 'first',
            });
            return sent.status === 202 ? true : undefined;
          },
          { timeoutMs: 30000, intervalMs: 100 },
        );
        return id;
      }),
    );
    groups.push(...made);
  }
  const oldest = groups[0]!;
  // Everything projected: kim's own socket resumes after kim's read position (all read).
  const probe = await socketOf(lee);
  await probe.synced();
  await probe.until(
    `the first message in all ${CONVERSATIONS}`,
    () => groups.every((id) => probe.changes(id).some((f) => f.type === 'message')),
    60000,
  );
  probe.close();

  // Lee comes back without cursors: everything after lee's read position is unread. As soon as
  // the resume starts, the oldest conversation gets a message (and jumps to the top by activity).
  let poked: Promise<unknown> | undefined;
  const lee2 = await rawSocket(
    pipeline.gateways[0].url,
    await pipeline.gateways[0].token(lee, 'tablet'),
    {
      onFrame: (frame) => {
        if (!poked && frame.type === 'message') {
          poked = kimHttp.post(`/v1/conversations/${oldest}/messages`, {
            clientMessageId: 'meanwhile',
            body: 'meanwhile',
          });
        }
      },
    },
  );
  await lee2.synced();
  await poked;
  await lee2.until('the message sent meanwhile', (frames) =>
    frames.some(
      (f) => f.conversationId === oldest && (f.item as { body?: string })?.body === 'meanwhile',
    ),
  );
  const messagesIn = (id: string) =>
    lee2
      .changes(id)
      .flatMap((f) => (f.type === 'message' ? [(f.item as { body: string }).body] : []));
  expect(messagesIn(oldest)).toEqual(['first', 'meanwhile']);
  const missing = groups.filter((id) => messagesIn(id)[0] !== 'first');
  expect(missing).toEqual([]);
  lee2.close();
}, 240000);
