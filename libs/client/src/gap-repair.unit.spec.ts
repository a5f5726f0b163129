import type { ChangeFrame, MembershipEvent, MessageEvent, SyncResult } from '.';
import {
  membershipChange,
  messageChange,
  type FakeGateway,
  type FakeRequest,
} from './testing/fake-gateway';
import { useFakeGateway } from './testing/use-fake-gateway';
import { collect, until } from './testing/wait';

const fake = useFakeGateway();
const seqsOf = (events: { item: { seq: number } }[]) => events.map((e) => e.item.seq);
/** Holds the answer to the next sync (the page as it is when asked) until `answer()`. */
function holdSyncAnswer(gateway: FakeGateway) {
  let answer: (() => void) | undefined;
  gateway.onRequest = (request) => {
    if (request.type !== 'sync') return undefined;
    const page = gateway.syncPage(request.conversationId, request.afterCs);
    answer = () => gateway.send({ type: 'result', id: request.id, result: page });
    return 'silence';
  };
  return {
    get asked() {
      return answer !== undefined;
    },
    answer: () => answer!(),
  };
}

const syncs = () =>
  fake
    .gateway()
    .received.filter((f): f is FakeRequest & { type: 'sync' } => f.type === 'sync')
    .map((f) => f.afterCs);

it('repairs a gap without stalling: the answer to its sync is not queued behind the frame that needed it', async () => {
  const gateway = fake.gateway();
  gateway.record(messageChange('g', 1, 1));
  gateway.record(messageChange('g', 2, 2));
  const chat = fake.client({ cursors: { g: 2 } });
  const messages = collect<MessageEvent>(chat, 'message');
  await chat.connect();

  gateway.record(messageChange('g', 3, 3)); // its live publication was lost
  gateway.publish(messageChange('g', 4, 4));
  gateway.publish(messageChange('g', 5, 5));

  await until(() => messages.length === 3, 'messages 3, 4 and 5');
  expect(seqsOf(messages)).toEqual([3, 4, 5]);
  expect(syncs()).toEqual([2]);
  // Requests still settle afterwards.
  await expect(chat.history('g')).resolves.toEqual({ items: [], nextBeforeSeq: null });
});

it('stops tracking a conversation at its own removal, takes it up again when re-added, and repairs a gap after that in cs order', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ cursors: { g: 5 } });
  const memberships = collect<MembershipEvent>(chat, 'membership');
  const messages = collect<MessageEvent>(chat, 'message');
  const gaps = collect(chat, 'gap');
  await chat.connect();

  gateway.publish(membershipChange('g', 6, 6, 'MemberRemoved', 'alice'));
  await until(() => memberships.length === 1, 'the removal');
  expect(memberships[0]).toMatchObject({ cs: 6, removedMe: true });
  expect(chat.cursors()).toEqual({});

  // Changes 7 and 8 are not Alice's to see; she is re-added at 9.
  gateway.publish(membershipChange('g', 9, 9, 'MemberAdded', 'alice'));
  gateway.record(messageChange('g', 10, 10)); // lost on the way
  const held = holdSyncAnswer(gateway);
  gateway.publish(messageChange('g', 11, 11));
  gateway.publish(messageChange('g', 12, 12));
  await until(() => held.asked, 'the sync request');
  // While the repair waits for its answer, later changes wait too; requests still settle.
  await expect(chat.history('g')).resolves.toBeDefined();
  expect(seqsOf(messages)).toEqual([]);
  held.answer();

  await until(() => messages.length === 3, 'messages 10 to 12');
  expect(seqsOf(messages)).toEqual([10, 11, 12]);
  expect(memberships.map((m) => [m.cs, m.removedMe])).toEqual([
    [6, true],
    [9, false],
  ]);
  expect(syncs()).toEqual([9]); // none for the jump from 6 to 9
  expect(gaps).toEqual([{ conversationId: 'g', afterCs: 9, throughCs: 12 }]);
  expect(chat.cursors()).toEqual({ g: 12 });
});

it('drops changes at or below its cursor, live and on resume', async () => {
  const gateway = fake.gateway();
  for (let cs = 1; cs <= 4; cs++) gateway.record(messageChange('g', cs, cs));
  const chat = fake.client({ cursors: { g: 2 } });
  const messages = collect<MessageEvent>(chat, 'message');
  await chat.connect();
  expect(seqsOf(messages)).toEqual([3, 4]);

  gateway.send(messageChange('g', 4, 4));
  gateway.send(messageChange('g', 1, 1));
  gateway.publish(messageChange('g', 5, 5));
  await until(() => messages.length === 3, 'message 5');
  // A resume that sends everything again (cursors ignored) adds nothing either.
  const before = gateway.received.length;
  gateway.drop();
  await gateway.waitFor((f) => f.type === 'hello', { after: before });
  for (let cs = 1; cs <= 5; cs++) gateway.send(messageChange('g', cs, cs));
  gateway.publish(messageChange('g', 6, 6));
  await until(() => messages.length === 4, 'message 6');
  expect(seqsOf(messages)).toEqual([3, 4, 5, 6]);
  expect(syncs()).toEqual([]);
});

it('emits every kind of change in cs order, skips advance the cursor, and group receipts without cs pass through', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ cursors: { d: 1, g: 7 } });
  const seen: string[] = [];
  for (const type of ['message', 'edit', 'delete', 'reaction', 'receipt'] as const) {
    chat.on(type, (change) => seen.push(`${type}:${change.conversationId}:${change.cs ?? '-'}`));
  }
  await chat.connect();
  const changes: ChangeFrame[] = [
    messageChange('d', 2, 2),
    {
      type: 'edit',
      conversationId: 'd',
      cs: 3,
      seq: 2,
      messageId: 'msg-d-2',
      body: 'fixed',
      ciphertext: null,
      editedAt: '2026-12-02T12:00:00.000Z',
    },
    {
      type: 'reaction',
      conversationId: 'd',
      cs: 4,
      seq: 2,
      messageId: 'msg-d-2',
      emoji: '👍',
      userId: 'bob',
      present: true,
    },
    { type: 'skip', conversationId: 'd', cs: 5 },
    {
      type: 'receipt',
      conversationId: 'd',
      cs: 6,
      userId: 'bob',
      receipt: 'read',
      upToSeq: 2,
      deviceId: null,
    },
    {
      type: 'receipt',
      conversationId: 'g',
      userId: 'alice',
      receipt: 'read',
      upToSeq: 40,
      deviceId: 'laptop',
    },
    { type: 'delete', conversationId: 'd', cs: 7, seq: 2, messageId: 'msg-d-2', deletedBy: 'bob' },
  ];
  for (const change of changes) gateway.publish(change);
  await until(() => seen.length === 6, 'six events');
  expect(seen).toEqual([
    'message:d:2',
    'edit:d:3',
    'reaction:d:4',
    'receipt:d:6',
    'receipt:g:-',
    'delete:d:7',
  ]);
  expect(chat.cursors()).toEqual({ d: 7, g: 7 });
  expect(syncs()).toEqual([]);
});

it('syncs page after page while the server says there is more', async () => {
  const gateway = fake.gateway();
  gateway.syncLimit = 2;
  const chat = fake.client({ cursors: { g: 0 } });
  const messages = collect<MessageEvent>(chat, 'message');
  gateway.resumeFromLog = false;
  await chat.connect();
  for (let cs = 1; cs <= 5; cs++) gateway.record(messageChange('g', cs, cs));
  gateway.publish(messageChange('g', 6, 6));
  await until(() => messages.length === 6, 'messages 1 to 6');
  expect(seqsOf(messages)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(syncs()).toEqual([0, 2, 4]);
});

it('uses throughCs as its cursor when the changes end before it', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ cursors: { g: 3 } });
  const messages = collect<MessageEvent>(chat, 'message');
  await chat.connect();
  gateway.onRequest = (request) =>
    request.type === 'sync'
      ? {
          result: {
            changes: [messageChange('g', 4, 4)],
            throughCs: 6,
            more: false,
          } satisfies SyncResult,
        }
      : undefined;
  gateway.publish(messageChange('g', 7, 5));
  await until(() => messages.length === 2, 'two messages');
  expect(messages.map((m) => m.cs)).toEqual([4, 7]);
  expect(chat.cursors()).toEqual({ g: 7 });
});

it('finishes a repair cut short by a reconnect, each change once', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ cursors: { g: 2 } });
  const messages = collect<MessageEvent>(chat, 'message');
  await chat.connect();
  gateway.onRequest = (request) => (request.type === 'sync' ? 'silence' : undefined);
  gateway.record(messageChange('g', 3, 3));
  gateway.publish(messageChange('g', 4, 4));
  await gateway.waitFor((f) => f.type === 'sync');

  gateway.onRequest = null;
  gateway.drop(); // the resume sends 3 and 4; the sync sent again is answered with them too
  await gateway.waitForConnection(2);
  gateway.publish(messageChange('g', 5, 5));
  await until(() => messages.length === 3, 'messages 3 to 5');
  await until(() => syncs().length === 2, 'the sync sent again');
  await chat.history('g'); // whatever came back for the sync was handled before this answer
  expect(seqsOf(messages)).toEqual([3, 4, 5]);
});

it('tries a failed repair again after a backoff', async () => {
  const gateway = fake.gateway();
  const chat = fake.client({ cursors: { g: 0 } });
  const messages = collect<MessageEvent>(chat, 'message');
  const errors = collect<{ code: string }>(chat, 'error');
  await chat.connect();
  let failures = 0;
  gateway.onRequest = (request) =>
    request.type === 'sync' && failures++ === 0
      ? { error: { code: 'internal-error', message: 'try again' } }
      : undefined;
  gateway.record(messageChange('g', 1, 1));
  gateway.publish(messageChange('g', 2, 2));
  await until(() => messages.length === 2, 'messages 1 and 2');
  expect(seqsOf(messages)).toEqual([1, 2]);
  expect(syncs()).toEqual([0, 0]);
  expect(errors.map((e) => e.code)).toEqual(['internal-error']);
});

it('pages the rest of a resume that stopped at its limit before connect() resolves, with no live change to show a gap', async () => {
  const gateway = fake.gateway();
  gateway.resumeLimit = 3;
  gateway.syncLimit = 2;
  for (let cs = 1; cs <= 8; cs++) gateway.record(messageChange('g', cs, cs));
  gateway.record(messageChange('h', 1, 1));
  const chat = fake.client({ cursors: { g: 0, h: 0 } });
  const messages = collect<MessageEvent>(chat, 'message');
  const synced = collect<{ conversations: number; changes: number }>(chat, 'synced');

  await chat.connect();

  // The resume sent 1 to 3 of g; sync pages fetched 4 to 8; h needed no page.
  expect(seqsOf(messages.filter((m) => m.conversationId === 'g'))).toEqual([
    1, 2, 3, 4, 5, 6, 7, 8,
  ]);
  expect(chat.cursors()).toEqual({ g: 8, h: 1 });
  expect(syncs()).toEqual([3, 5, 7]);
  expect(synced).toEqual([{ conversations: 2, changes: 4 }]);
});

it('takes the live changes that arrive while it pages the rest of a resume, each once in cs order', async () => {
  const gateway = fake.gateway();
  gateway.resumeLimit = 2;
  for (let cs = 1; cs <= 4; cs++) gateway.record(messageChange('g', cs, cs));
  const held = holdSyncAnswer(gateway);
  const chat = fake.client({ cursors: { g: 0 } });
  const messages = collect<MessageEvent>(chat, 'message');
  let connected = false;
  const connecting = chat.connect().then(() => (connected = true));
  await until(() => held.asked, 'the sync for the rest');
  gateway.publish(messageChange('g', 5, 5)); // live, while 3 and 4 are still being fetched
  await until(() => messages.length === 2, 'the two the resume sent');
  expect(connected).toBe(false);

  held.answer();
  await connecting;
  expect(seqsOf(messages)).toEqual([1, 2, 3, 4, 5]);
  expect(chat.cursors()).toEqual({ g: 5 });
});
