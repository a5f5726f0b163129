import type { ChatQueries, LiveChange } from '@chat/views';
import { CLOSE_CODES, PROTOCOL_VERSION, type SyncResult } from '@chat/protocol';
import { refuse, SendMessageCommand } from '@chat/commands';
import { Session } from './session';
import type { SessionDeps } from './session-deps';

/** A transport that takes `room` frames, then reports the peer as too far behind. */
function fakeTransport(room: number) {
  const sent: Array<Record<string, unknown>> = [];
  const closes: Array<[number, string]> = [];
  return {
    sent,
    closes,
    transport: {
      send(text: string | Buffer) {
        if (sent.length >= room) return false;
        sent.push(JSON.parse(text.toString()));
        return true;
      },
      close(code: number, reason: string) {
        closes.push([code, reason]);
      },
    },
  };
}

const emptyViews = {
  conversationsOf: async () => ({ conversationIds: [], next: null }),
  resumeStarts: async () => new Map(),
  changesAfter: async (): Promise<SyncResult> => ({ changes: [], throughCs: 0, more: false }),
} as unknown as ChatQueries;

const deps: SessionDeps = {
  queries: emptyViews,
  commands: {} as SessionDeps['commands'],
  logger: { warn: () => undefined, error: () => undefined } as unknown as SessionDeps['logger'],
  relayTyping: async () => undefined,
  refusal: () => null,
  watchPresence: () => undefined,
  unwatchPresence: () => undefined,
};

const item = (seq: number, cs = seq): LiveChange => ({
  type: 'message',
  cs,
  seq,
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
  it('gives every session the same frame of a change delivered to all, with its conversation', async () => {
    const peers = [fakeTransport(100), fakeTransport(100), fakeTransport(100)];
    const sessions = await Promise.all(
      peers.map(async ({ transport }) => {
        const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, deps);
        await session.receive(
          JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: { 'g-1': 1, 'g-2': 1 } }),
        );
        return session;
      }),
    );
    const change = item(2);
    for (const session of sessions) session.deliver('g-1', change);
    // The same change object under another conversation id is that conversation's frame.
    const shared = item(3);
    sessions[0]!.deliver('g-1', shared);
    sessions[1]!.deliver('g-2', shared);
    await settle();
    const frames = peers.map(({ sent }) => sent.filter((f) => f.type === 'message'));
    for (const sent of frames) expect(sent[0]).toEqual({ ...change, conversationId: 'g-1' });
    expect(frames[0]![1]).toEqual({ ...shared, conversationId: 'g-1' });
    expect(frames[1]![1]).toEqual({ ...shared, conversationId: 'g-2' });
  });

  it('answers a send the pipeline refuses as overloaded with when to retry, and goes on', async () => {
    const { transport, sent, closes } = fakeTransport(100);
    const executed: SendMessageCommand[] = [];
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, {
      ...deps,
      commands: {
        execute: async (command: SendMessageCommand) => {
          executed.push(command);
          if (command.message.clientMessageId === 'two') {
            throw refuse('overloaded', 'nothing was accepted, retry shortly', {
              retryAfterMs: 1000,
            });
          }
          return {
            accepted: { messageId: `m-${command.message.clientMessageId}` },
            replayed: false,
          };
        },
      } as unknown as SessionDeps['commands'],
    });
    await session.receive(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} }));
    const send = (id: string) =>
      session.receive(
        JSON.stringify({ type: 'send', id, conversationId: 'g-1', clientMessageId: id, body: 'x' }),
      );
    await send('one');
    await send('two');
    await send('three');
    const replies = sent.filter((f) => f.type === 'error' || f.type === 'result');
    expect(replies).toEqual([
      { type: 'result', id: 'one', result: { messageId: 'm-one' } },
      {
        type: 'error',
        id: 'two',
        code: 'overloaded',
        message: expect.stringContaining('retry'),
        retriable: true,
        retryAfterMs: 1000,
      },
      { type: 'result', id: 'three', result: { messageId: 'm-three' } },
    ]);
    // Parsed once, by the protocol's fields: the command carries the body's defaults.
    expect(executed[0]).toBeInstanceOf(SendMessageCommand);
    expect(executed[0]).toMatchObject({
      actor: { userId: 'bob' },
      conversationId: 'g-1',
      message: { clientMessageId: 'one', kind: 'TEXT', body: 'x', replyTo: null, mediaId: null },
    });
    expect(closes).toEqual([]);
  });

  it('answers a frame whose type nests 6,000 arrays deep with unknown-type, and never rejects', async () => {
    const { transport, sent, closes } = fakeTransport(100);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, deps);
    const deep = `{"type":${'['.repeat(6000)}${']'.repeat(6000)},"id":"deep"}`;
    await expect(session.receive(deep)).resolves.toBeUndefined();
    expect(sent).toEqual([
      {
        type: 'error',
        id: 'deep',
        code: 'unknown-type',
        message: expect.any(String),
        retriable: false,
      },
    ]);
    expect(closes).toEqual([]);
  });

  it('answers a frame that fails in an unexpected way with internal, and never rejects', async () => {
    const { transport, sent } = fakeTransport(100);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, {
      ...deps,
      refusal: (_userId, type) => {
        if (type === 'inbox') throw new RangeError('Maximum call stack size exceeded');
        return null;
      },
    });
    await session.receive(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} }));
    await expect(
      session.receive(JSON.stringify({ type: 'inbox', id: 'boom' })),
    ).resolves.toBeUndefined();
    expect(sent.find((f) => f.id === 'boom')).toMatchObject({
      type: 'error',
      code: 'internal-error',
    });
  });

  it('closes a connection whose first frame is not hello with 4003', async () => {
    const { transport, sent, closes } = fakeTransport(100);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, deps);
    await session.receive(JSON.stringify({ type: 'inbox', id: 'early' }));
    expect(closes).toEqual([[CLOSE_CODES.noHello, 'the first frame must be hello']]);
    expect(sent).toEqual([]);
  });

  it('answers a second hello as a bad frame and keeps the session open', async () => {
    const { transport, sent, closes } = fakeTransport(100);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, deps);
    const hello = { type: 'hello', v: PROTOCOL_VERSION, cursors: {} };
    await session.receive(JSON.stringify(hello));
    await session.receive(JSON.stringify({ ...hello, id: 'again' }));
    expect(sent.map((f) => f.type)).toContain('welcome');
    expect(sent.find((f) => f.id === 'again')).toEqual({
      type: 'error',
      id: 'again',
      code: 'bad-page',
      message: 'hello was already said',
      retriable: false,
    });
    expect(closes).toEqual([]);
    expect(session.isOpen).toBe(true);
  });

  it('closes a version 1 hello with 4002', async () => {
    const { transport, closes } = fakeTransport(100);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, deps);
    await session.receive(JSON.stringify({ type: 'hello', v: 1, cursors: {} }));
    expect(closes.map(([code]) => code)).toEqual([CLOSE_CODES.unsupportedVersion]);
  });

  it('closes a slow consumer with 4008 once its transport is over the bound', async () => {
    const { transport, closes } = fakeTransport(3);
    const session = new Session({ userId: 'bob', deviceId: 'phone' }, transport, deps);
    await session.receive(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} }));
    for (let seq = 1; seq <= 10; seq++) session.deliver('g-1', item(seq));
    await settle();
    expect(closes).toEqual([[CLOSE_CODES.slowConsumer, 'too far behind: reconnect and resume']]);
    expect(session.isOpen).toBe(false);
  });
});
