import { waitFor } from '@chat/events/testing';
import type { PresenceState } from '@chat/protocol';
import { ChatError } from '@chat/client';
import { usePipeline, type Pipeline } from './fixture';

/** Typing and presence: ephemeral signals between the members of a conversation. */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

async function groupOf(admin: string, members: string[]) {
  const created = await (
    await pipeline.api.as(admin)
  ).post('/v1/conversations/groups', {
    title: 'Signals',
    members,
  });
  return created.body.conversationId as string;
}

it('shows typing to the other members on any gateway, never to the typist or outsiders', async () => {
  const [a, b] = pipeline.gateways;
  const [alice, bob, carol, mallory] = ['alice', 'bob', 'carol', 'mallory'].map(pipeline.user) as [
    string,
    string,
    string,
    string,
  ];
  const conversationId = await groupOf(alice, [bob, carol]);
  const clients = {
    alice: await a.client(alice, 'phone'),
    bob: await b.client(bob, 'phone'),
    carol: await a.client(carol, 'phone'),
    mallory: await b.client(mallory, 'phone'),
  };
  const typing: Record<string, string[]> = { alice: [], bob: [], carol: [], mallory: [] };
  for (const [name, client] of Object.entries(clients)) {
    client.on('typing', (signal) =>
      typing[name]!.push(`${signal.conversationId}:${signal.userId}`),
    );
  }
  await Promise.all(Object.values(clients).map((c) => c.connect()));
  await waitFor('membership visible to reads', async () => {
    const members = await clients.alice.history(conversationId).catch(() => undefined);
    return members ? true : undefined;
  });

  clients.alice.typing(conversationId);
  clients.alice.typing(conversationId); // throttled: one signal
  await waitFor('bob and carol see alice typing', () =>
    typing.bob!.length > 0 && typing.carol!.length > 0 ? true : undefined,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(typing.bob).toEqual([`${conversationId}:${alice}`]);
  expect(typing.carol).toEqual([`${conversationId}:${alice}`]);
  expect(typing.alice).toEqual([]);
  expect(typing.mallory).toEqual([]);

  // An outsider's typing goes nowhere and is answered with an error.
  const errors: string[] = [];
  clients.mallory.on('error', (e) => errors.push(e.code));
  clients.mallory.typing(conversationId);
  await waitFor('the refusal', () => (errors.length > 0 ? true : undefined));
  expect(errors).toEqual(['not-a-member']);
});

it('pushes presence to subscribers: online, then offline with last seen', async () => {
  const [a, b] = pipeline.gateways;
  const [dave, erin, stranger] = ['dave', 'erin', 'stranger'].map(pipeline.user) as [
    string,
    string,
    string,
  ];
  await groupOf(dave, [erin]);
  const erinClient = await b.client(erin, 'phone');
  const updates: PresenceState[] = [];
  erinClient.on('presence', (p) => updates.push(p));
  await erinClient.connect();
  await waitFor(
    'erin may see dave',
    () =>
      erinClient.subscribePresence([dave]).then(
        (r) => r,
        (e: unknown) =>
          e instanceof ChatError && e.code === 'no-shared-conversation'
            ? undefined
            : Promise.reject(e),
      ),
    { timeoutMs: 30000 },
  );

  const daveClient = await a.client(dave, 'phone');
  await daveClient.connect();
  await waitFor(
    'dave online',
    () => (updates.some((p) => p.userId === dave && p.online) ? true : undefined),
    {
      timeoutMs: 30000,
    },
  );
  const before = Date.now();
  daveClient.close();
  const offline = await waitFor(
    'dave offline',
    () => updates.find((p) => p.userId === dave && !p.online),
    {
      timeoutMs: 30000,
    },
  );
  expect(offline.lastSeenAt).toBeGreaterThanOrEqual(before - 1000);
  expect(offline.lastSeenAt).toBeLessThanOrEqual(Date.now());

  // Presence is only for users you share a conversation with.
  await expect(erinClient.subscribePresence([stranger])).rejects.toMatchObject({
    code: 'no-shared-conversation',
  });
});
