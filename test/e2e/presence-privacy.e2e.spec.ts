import { waitFor } from '@chat/events/testing';
import { ChatError, type ChatClient } from '@chat/client';
import type { PresenceState } from '@chat/protocol';
import { usePipeline, type Pipeline } from './fixture';

/**
 * Presence and typing only between users who share a conversation the target took part in,
 * checked again whenever membership changes.
 */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

const names = (...list: string[]) => list.map((name) => pipeline.user(name));

/** Subscribes once the views allow it (they lag the API a little). */
const subscribeWhenAllowed = (client: ChatClient, userId: string) =>
  waitFor(
    `presence of ${userId} allowed`,
    () =>
      client.subscribePresence([userId]).then(
        (r) => r,
        (e: unknown) =>
          e instanceof ChatError && e.code === 'no-shared-conversation'
            ? undefined
            : Promise.reject(e),
      ),
    { timeoutMs: 30000 },
  );

/** Waits until the user can read the conversation (the views have it). */
const visibleTo = (client: ChatClient, conversationId: string) =>
  waitFor(
    `${conversationId} projected`,
    () =>
      client.history(conversationId).then(
        () => true,
        () => undefined,
      ),
    { timeoutMs: 30000 },
  );

it('shows nothing of someone who was only sent a direct conversation, until they answer', async () => {
  const [mallory, tina] = names('mallory', 'tina') as [string, string];
  const opened = await (
    await pipeline.api.as(mallory)
  ).post('/v1/conversations/direct', { peerId: tina });
  const conversationId = opened.body.conversationId as string;
  const watcher = await pipeline.gateways[0].client(mallory, 'phone');
  await watcher.connect();
  await visibleTo(watcher, conversationId);
  await expect(watcher.subscribePresence([tina])).rejects.toMatchObject({
    code: 'no-shared-conversation',
  });

  await (
    await pipeline.api.as(tina)
  ).post(`/v1/conversations/${conversationId}/messages`, {
    clientMessageId: 'hello-back',
    body: 'who is this?',
  });
  const answered = await subscribeWhenAllowed(watcher, tina);
  expect(answered).toEqual({ presence: [{ userId: tina, online: false, lastSeenAt: null }] });
});

it('drops a presence watch when the watcher leaves the only conversation in common, and says so', async () => {
  const [alice, carol] = names('alice', 'carol') as [string, string];
  const admin = await pipeline.api.as(alice);
  const created = await admin.post('/v1/conversations/groups', {
    title: 'Doomed',
    members: [carol],
  });
  const conversationId = created.body.conversationId as string;
  const watcher = await pipeline.gateways[1].client(carol, 'phone');
  const revoked: string[][] = [];
  const updates: PresenceState[] = [];
  watcher.on('presence.revoked', ({ userIds }) => revoked.push(userIds));
  watcher.on('presence', (p) => updates.push(p));
  await watcher.connect();
  await subscribeWhenAllowed(watcher, alice);

  await admin.delete(`/v1/conversations/${conversationId}/members/${carol}`);
  await waitFor('the watch revoked', () => (revoked.length > 0 ? true : undefined), {
    timeoutMs: 15000,
  });
  expect(revoked).toEqual([[alice]]);

  // alice comes online: carol hears nothing of it.
  const aliceClient = await pipeline.gateways[0].client(alice, 'phone');
  await aliceClient.connect();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(updates.filter((p) => p.userId === alice && p.online)).toEqual([]);
  await expect(watcher.subscribePresence([alice])).rejects.toMatchObject({
    code: 'no-shared-conversation',
  });
});

it('sends typing only to members who may see the typist', async () => {
  const [mallory, tina] = names('mallory2', 'tina2') as [string, string];
  // mallory puts tina in a group; tina has taken part in nothing with mallory.
  const created = await (
    await pipeline.api.as(mallory)
  ).post('/v1/conversations/groups', { title: 'Bait', members: [tina] });
  const conversationId = created.body.conversationId as string;
  const [m, t] = [
    await pipeline.gateways[0].client(mallory, 'phone'),
    await pipeline.gateways[1].client(tina, 'phone'),
  ];
  const heard: Record<string, string[]> = { mallory: [], tina: [] };
  m.on('typing', (s) => heard.mallory!.push(s.userId));
  t.on('typing', (s) => heard.tina!.push(s.userId));
  await Promise.all([m.connect(), t.connect()]);
  await visibleTo(t, conversationId);

  t.typing(conversationId);
  m.typing(conversationId);
  await waitFor('tina hears mallory', () => (heard.tina!.length > 0 ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(heard.tina).toEqual([mallory]);
  expect(heard.mallory).toEqual([]);
});

it('relays one typing signal per user and conversation however many sockets they type on', async () => {
  const [alice, bob] = names('alice3', 'bob3') as [string, string];
  const created = await (
    await pipeline.api.as(alice)
  ).post('/v1/conversations/groups', { title: 'Chatty', members: [bob] });
  const conversationId = created.body.conversationId as string;
  const phone = await pipeline.gateways[0].client(alice, 'phone');
  const laptop = await pipeline.gateways[1].client(alice, 'laptop');
  const listener = await pipeline.gateways[0].client(bob, 'phone');
  const heard: string[] = [];
  listener.on('typing', (s) => heard.push(s.userId));
  await Promise.all([phone.connect(), laptop.connect(), listener.connect()]);
  await visibleTo(laptop, conversationId);

  phone.typing(conversationId);
  laptop.typing(conversationId);
  await waitFor('bob hears alice', () => (heard.length > 0 ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(heard).toEqual([alice]);
});
