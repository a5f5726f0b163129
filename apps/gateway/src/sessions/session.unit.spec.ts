import type { ChatQueries, LiveChange } from '@chat/views';
import { CLOSE_CODES } from '@chat/protocol';
import type { CommandClient } from '../commands/command-client';
import { Session, type SessionDeps } from './session';

/** A transport that takes `room` frames, then reports the peer as too far behind. */
function fakeTransport(room: number) {
  const sent: Array<Record<string, unknown>> = [];
  const closes: Array<[number, string]> = [];
  return {
    sent,
    closes,
    transport: {
      send(text: string) {
        if (sent.length >= room) return false;
        sent.push(JSON.parse(text));
        return true;
      },
      close(code: number, reason: string) {
        closes.push([code, reason]);
      },
    },
  };
}

const emptyViews = {
  inboxOf: async () => ({ items: [], next: null }),
  since: async () => ({ items: [], lastSeq: 0 }),
} as unknown as ChatQueries;

const deps: SessionDeps = {
  queries: emptyViews,
  commands: {} as CommandClient,
  logger: { warn: () => undefined, error: () => undefined } as unknown as SessionDeps['logger'],
  relayTyping: async () => undefined,
  refusal: () => null,
  watchPresence: () => undefined,
  unwatchPresence: () => undefined,
};

const item = (seq: number): LiveChange => ({
  kind: 'item',
  item: {
    conversationId: 'g-1',
    seq,
    itemKind: 'MESSAGE',
    eventType: 'MessageSent',
    messageId: `m-${seq}`,
    actorId: 'alice',
    kind: 'TEXT',
    body: 'hi',
    ciphertext: null,
    media: null,
    replyTo: null,
    notice: null,
    occurredAt: new Date(0).toISOString(),
    editedAt: null,
    deleted: false,
    deletedBy: null,
    reactions: {},
  },
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('a session', () => {
  it('sends each seq once, in order, whatever the live feed repeats', async () => {
    const { transport, sent } = fakeTransport(100);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, 'token', transport, deps);
    await session.receive(JSON.stringify({ type: 'hello', v: 1, cursors: { 'g-1': 1 } }));
    for (const seq of [1, 2, 2, 3, 3, 3]) session.deliver('g-1', item(seq));
    await settle();
    const seqs = sent.filter((f) => f.type === 'message').map((f) => f.seq);
    expect(seqs).toEqual([2, 3]);
  });

  it('closes a slow consumer with 4008 once its transport is over the bound', async () => {
    const { transport, closes } = fakeTransport(3);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, 'token', transport, deps);
    await session.receive(JSON.stringify({ type: 'hello', v: 1, cursors: {} }));
    for (let seq = 1; seq <= 10; seq++) session.deliver('g-1', item(seq));
    await settle();
    expect(closes).toEqual([[CLOSE_CODES.slowConsumer, 'too far behind: reconnect and resume']]);
    expect(session.isOpen).toBe(false);
  });
});
