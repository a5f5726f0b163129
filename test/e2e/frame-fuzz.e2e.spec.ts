import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import WebSocket from 'ws';
import { TOPICS } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { CLOSE_CODES, PROTOCOL_VERSION } from '@chat/protocol';
import { startEventRecorder, type EventRecorder } from '../harness/event-recorder';
import { startGatewayProcess, type GatewayProcess } from '../harness/gateway';
import { rawSocket } from '../harness/raw-socket';

/**
 * Whatever a client sends, the gateway process stays up, answers each frame with an `error`
 * (or its result) or closes with a documented code, and appends nothing for what it refused.
 * Generated frames: any JSON and any text, nesting deeper than a stack, huge numbers and
 * strings, lone surrogates, and every frame type with one field mutated, before and after
 * `hello`, pipelined on one socket. Bounded: a few dozen sockets in a few seconds.
 */
const { kafka, registryUrl } = eventLogFixture('frame-fuzz');
const run = randomUUID().slice(0, 8);
let gateway: GatewayProcess;
let recorder: EventRecorder;

beforeAll(async () => {
  [gateway, recorder] = await Promise.all([
    startGatewayProcess(),
    startEventRecorder(kafka, registryUrl, TOPICS.conversations),
  ]);
}, 90000);

afterAll(async () => {
  await recorder?.stop();
  await gateway?.close();
});

/** A well-formed frame of every type, before mutation. */
const VALID: Record<string, Record<string, unknown>> = {
  hello: { v: PROTOCOL_VERSION, cursors: { 'direct-a-b': 3 } },
  send: { conversationId: 'group-fuzz', clientMessageId: 'c-1', body: 'hi' },
  ack: { conversationId: 'group-fuzz', upToSeq: 1 },
  read: { conversationId: 'group-fuzz', upToSeq: 1 },
  typing: { conversationId: 'group-fuzz' },
  'presence.subscribe': { userIds: ['someone'] },
  'presence.unsubscribe': { userIds: ['someone'] },
  'media.url': { conversationId: 'group-fuzz', messageId: 'm-1' },
  history: { conversationId: 'group-fuzz', beforeSeq: 5, limit: 10 },
  sync: { conversationId: 'group-fuzz', afterCs: 0, limit: 10 },
  inbox: { limit: 10 },
  search: { q: 'hello', limit: 5 },
};
/** Frames answered only when refused: their ids are not waited for. */
const SILENT_WHEN_TAKEN = new Set(['hello', 'typing']);

const loneSurrogates = fc
  .array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 4 })
  .map((units) => `a${String.fromCharCode(...units)}b`);
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.5, -1, 2 ** 31),
  fc.integer({ min: 1_000, max: 50_000 }).map((n) => 'x'.repeat(n)),
  loneSurrogates,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 100, max: 3_000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n))),
);

/** One of the protocol's frames with one field changed, removed or added. */
const mutated = fc
  .record({
    type: fc.constantFrom(...Object.keys(VALID)),
    field: fc.constantFrom('id', 'type', 'conversationId', 'userIds', 'v', 'limit', 'extra', 'q'),
    value: oddValue,
    drop: fc.boolean(),
  })
  .map(({ type, field, value, drop }) => {
    const frame: Record<string, unknown> = { type, ...VALID[type] };
    if (drop) delete frame[field];
    else frame[field] = value;
    return frame;
  });

/** A frame's text and, when an answer is owed to it by id, that id. */
type Fuzzed = { text: string; id?: string };
let ids = 0;
const withId = (frame: Record<string, unknown>): Fuzzed => {
  if (typeof frame.type !== 'string' || SILENT_WHEN_TAKEN.has(frame.type) || 'id' in frame)
    return { text: JSON.stringify(frame) };
  const id = `f${++ids}`;
  return { text: JSON.stringify({ ...frame, id }), id };
};
const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);
const fuzzed: fc.Arbitrary<Fuzzed> = fc.oneof(
  { arbitrary: mutated.map(withId), weight: 5 },
  {
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) ?? 'null' })),
    weight: 1,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text })), weight: 1 },
  {
    arbitrary: loneSurrogates.map((text) => ({ text: JSON.stringify({ type: text }) })),
    weight: 1,
  },
  {
    arbitrary: fc
      .integer({ min: 1_000, max: 30_000 })
      .map((n) => ({ text: `{"type":${deep(n, '[', ']')}}` })),
    weight: 1,
  },
  {
    arbitrary: fc
      .integer({ min: 1_000, max: 6_000 })
      .map((n) => ({ text: `{"type":"inbox","after":${deep(n, '{"a":', '}')}}` })),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(
        '{"type":"history","conversationId":"x","beforeSeq":1e999}',
        '{"type":"sync","conversationId":"x","afterCs":123456789012345678901234567890}',
        '{"type":"hello","v":2,"cursors":{"__proto__":{"x":1}}}',
        '{"type":"constructor"}',
        '{"type":"toString","id":"proto"}',
        '',
        'null',
        '[]',
      )
      .map((text) => ({ text })),
    weight: 1,
  },
);

const DOCUMENTED_CLOSES = new Set<number>(Object.values(CLOSE_CODES));

it('stays up and answers every frame, or closes with a documented code, whatever is sent', async () => {
  const bystander = await rawSocket(gateway.url, await gateway.token(`bystander-${run}`));
  await bystander.synced();
  let sockets = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      fc.array(fuzzed, { minLength: 1, maxLength: 12 }),
      async (helloFirst, frames) => {
        const userId = `fuzz-${run}-${++sockets}`;
        const socket = await rawSocket(gateway.url, await gateway.token(userId), {
          hello: helloFirst,
        });
        let closed: { code: number } | null = null;
        void socket.closed.then((how) => (closed = how));
        for (const frame of frames) socket.ws.send(frame.text);
        socket.ws.send(JSON.stringify({ type: 'inbox', id: 'probe' }));
        const owed = [...frames.flatMap((f) => (f.id ? [f.id] : [])), 'probe'];
        const answered = () =>
          owed.every((id) =>
            socket.frames.some((f) => f.id === id && (f.type === 'result' || f.type === 'error')),
          );
        await waitFor('every frame answered, or a close', () =>
          closed || answered() ? true : undefined,
        );
        if (closed) expect(DOCUMENTED_CLOSES).toContain((closed as { code: number }).code);
        for (const error of socket.frames.filter((f) => f.type === 'error')) {
          expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        }
        socket.close();
        expect(gateway.alive()).toBe(true);
      },
    ),
    { numRuns: 40, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false },
  );
  expect(sockets).toBeGreaterThanOrEqual(10);

  // The process is up and another user's socket never noticed.
  expect(gateway.alive()).toBe(true);
  const answer = await bystander.request({ type: 'inbox' });
  expect(answer).toMatchObject({ type: 'result' });
  bystander.close();
  // Nothing any fuzzing user sent was appended (none of them is a member of anything).
  await new Promise((resolve) => setTimeout(resolve, 500));
  const theirs = recorder
    .all()
    .filter((event) => event.envelope.actor.userId?.startsWith(`fuzz-${run}-`));
  expect(theirs).toEqual([]);
}, 60000);

it('survives the frame whose type nests 6,000 arrays deep, sent before hello', async () => {
  const ws = new WebSocket(`${gateway.url}?access_token=${await gateway.token(`deep-${run}`)}`);
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(`{"type":${'['.repeat(6000)}${']'.repeat(6000)}}`);
  await waitFor('an answer', () => (frames.length > 0 ? true : undefined));
  expect(frames[0]).toMatchObject({ type: 'error', code: 'unknown-type' });
  ws.close();
  expect(gateway.alive()).toBe(true);
  const other = await rawSocket(gateway.url, await gateway.token(`after-deep-${run}`));
  await other.synced();
  other.close();
});
