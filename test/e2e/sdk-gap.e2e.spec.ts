import { waitFor } from '@chat/events/testing';
import { usePipeline, type Pipeline } from './fixture';

/**
 * The SDK against the real pipeline where a gap reaches it: a member removed and added back
 * sees its cs jump (it may not see what was said meanwhile) and repairs that with `sync`
 * while live frames keep coming. The SDK used to await that `sync` inside its one frame
 * chain, behind which the answer was queued: nothing settled or arrived again.
 */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

describe('the SDK across a gap', () => {
  it('keeps receiving and sending after it is removed from a group and added back', async () => {
    const [alice, bob] = ['alice', 'bob'].map(pipeline.user) as [string, string];
    const chat = await pipeline.gateways[1].client(bob, 'phone');
    const bodies: string[] = [];
    const removals: boolean[] = [];
    chat.on('message', ({ item }) => bodies.push(item.body ?? ''));
    chat.on('membership', ({ removedMe }) => removals.push(removedMe));
    await chat.connect();

    const admin = await pipeline.api.as(alice);
    const created = await admin.post('/v1/conversations/groups', { title: 'Gap', members: [bob] });
    expect(created.status).toBe(202);
    const conversationId = created.body.conversationId as string;
    await waitFor('bob tracks the group', () =>
      chat.cursors()[conversationId] ? true : undefined,
    );

    expect((await admin.delete(`/v1/conversations/${conversationId}/members/${bob}`)).status).toBe(
      202,
    );
    await waitFor('bob learns of his removal', () => (removals.includes(true) ? true : undefined));
    const unseen = await admin.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'while-away',
      body: 'said while bob was away',
    });
    expect(unseen.status).toBe(202);
    expect(
      (await admin.post(`/v1/conversations/${conversationId}/members`, { userId: bob })).status,
    ).toBe(202);
    await admin.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'welcome-back',
      body: 'welcome back',
    });

    await waitFor('bob gets the message after his return', () =>
      bodies.includes('welcome back') ? true : undefined,
    );
    // Requests still settle: the client is not stuck behind a repair.
    const sent = await chat.send(conversationId, { body: 'glad to be back' });
    expect(sent.messageId).toBeTruthy();
    await waitFor('bob sees his own message', () =>
      bodies.includes('glad to be back') ? true : undefined,
    );
    expect(bodies).not.toContain('said while bob was away');
    expect(bodies.filter((b) => b === 'welcome back')).toHaveLength(1);
    await chat.close();
  });
});
