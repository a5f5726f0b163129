import { CLOSE_CODES } from '@chat/protocol';
import { ChatError, State, type HelloFrame, type MessageEvent, type StateChange } from '.';
import { messageChange } from './testing/fake-gateway';
import { useFakeGateway } from './testing/use-fake-gateway';
import { collect, until } from './testing/wait';

const fake = useFakeGateway();
const hellos = () => fake.gateway().received.filter((f): f is HelloFrame => f.type === 'hello');
/** Long enough for several reconnects at the tests' backoff (10 to 40 ms). */
const SEVERAL_BACKOFFS_MS = 200;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('moves through its states in order: connecting, connected, disconnected on a drop, connected again, closed', async () => {
  const chat = fake.client();
  const states = collect<StateChange>(chat, 'state');
  expect(chat.state).toBe(State.Disconnected);
  await chat.connect();
  expect(chat.state).toBe(State.Connected);

  fake.gateway().drop();
  await fake.gateway().waitForConnection(2);
  await until(() => chat.state === State.Connected, 'the second connection');
  chat.close();

  expect(states.map((s) => `${s.previous}>${s.state}`)).toEqual([
    'disconnected>connecting',
    'connecting>connected',
    'connected>disconnected',
    'disconnected>connecting',
    'connecting>connected',
    'connected>closed',
  ]);
  expect(states[2]!.close).toEqual({ code: 1006, reason: '', action: 'reconnect' });
  expect(states[5]!.close?.action).toBe('client');
});

it.each([
  ['unsupported version', CLOSE_CODES.unsupportedVersion],
  ['no hello', CLOSE_CODES.noHello],
  ['abusive', CLOSE_CODES.abusive],
  ['too many sockets', CLOSE_CODES.tooManySockets],
  ['policy', CLOSE_CODES.policy],
])('does not reconnect after a final close (%s, %i)', async (_name, code) => {
  const chat = fake.client();
  const states = collect<StateChange>(chat, 'state');
  await chat.connect();
  fake.gateway().onRequest = () => 'silence';
  const waiting = chat.history('g');

  fake.gateway().close(code, 'go away');
  await expect(waiting).rejects.toMatchObject({ code: 'closed', retriable: false });
  await pause(SEVERAL_BACKOFFS_MS);

  expect(fake.gateway().connections).toBe(1);
  expect(chat.state).toBe(State.Closed);
  expect(states.at(-1)).toEqual({
    state: State.Closed,
    previous: State.Connected,
    close: { code, reason: 'go away', action: 'final' },
  });
  await expect(chat.history('g')).rejects.toBeInstanceOf(ChatError);
});

it('closes instead of looping when a connection is refused with a final code at once', async () => {
  fake.gateway().authorize = () => ({
    code: CLOSE_CODES.tooManySockets,
    reason: 'too many sockets',
  });
  const chat = fake.client();
  await expect(chat.connect()).rejects.toMatchObject({ code: 'closed' });
  await pause(SEVERAL_BACKOFFS_MS);
  expect(fake.gateway().connections).toBe(1);
});

it.each([
  ['abnormal (no close frame)', 0],
  ['service restart', CLOSE_CODES.serviceRestart],
  ['slow consumer', CLOSE_CODES.slowConsumer],
  ['heartbeat timeout', CLOSE_CODES.heartbeatTimeout],
  ['internal error', CLOSE_CODES.internalError],
])('reconnects after a retriable close (%s) and resumes from its cursors', async (_name, code) => {
  const gateway = fake.gateway();
  gateway.record(messageChange('g', 1, 1));
  const chat = fake.client();
  const messages = collect<MessageEvent>(chat, 'message');
  await chat.connect();

  if (code === 0) gateway.drop();
  else gateway.close(code, 'again');
  gateway.record(messageChange('g', 2, 2)); // while the client was away
  await gateway.waitForConnection(2);
  await until(() => messages.length === 2, 'the missed message');

  expect(hellos().map((h) => h.cursors)).toEqual([{}, { g: 1 }]);
  expect(messages.map((m) => m.cs)).toEqual([1, 2]);
});

it('backs off with jitter between attempts while the gateway refuses to answer', async () => {
  const gateway = fake.gateway();
  gateway.authorize = () => ({ code: CLOSE_CODES.internalError, reason: 'down' });
  const chat = fake.client({ backoff: { initialMs: 20, maxMs: 80 } });
  const started = Date.now();
  void chat.connect().catch(() => undefined);
  await gateway.waitForConnection(4, 5000);
  // Delays of at least half their ceiling: 10 + 20 + 40 ms before the fourth attempt.
  expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  chat.close();
});

it('refreshes the token through the token function on 4001 and resumes', async () => {
  const gateway = fake.gateway();
  const issued = ['token-1', 'token-2'];
  let asked = 0;
  const chat = fake.client({ token: async () => issued[asked++]! });
  const messages = collect<MessageEvent>(chat, 'message');
  gateway.authorize = (token) =>
    token === 'token-1' && gateway.connections > 1
      ? { code: CLOSE_CODES.unauthorized, reason: 'token-expired' }
      : null;
  gateway.record(messageChange('g', 1, 1));
  await chat.connect();

  gateway.close(CLOSE_CODES.tokenExpired, 'token-expired');
  gateway.record(messageChange('g', 2, 2));
  await until(() => messages.length === 2, 'the message after the refresh');

  expect(asked).toBe(2);
  expect(gateway.tokens).toEqual(['token-1', 'token-2']);
  expect(hellos().map((h) => h.cursors)).toEqual([{}, { g: 1 }]);
  expect(chat.state).toBe(State.Connected);
  // Other reconnects reuse the token it has.
  gateway.drop();
  await gateway.waitForConnection(3);
  expect(gateway.tokens[2]).toBe('token-2');
});

it('closes on 4001 when its token is a plain string that cannot be refreshed', async () => {
  const chat = fake.client({ token: 'fixed' });
  await chat.connect();
  fake.gateway().close(CLOSE_CODES.tokenExpired, 'token-expired');
  await until(() => chat.state === State.Closed, 'closed');
  await pause(SEVERAL_BACKOFFS_MS);
  expect(fake.gateway().connections).toBe(1);
});

it('gives up when fresh tokens are refused again and again', async () => {
  const gateway = fake.gateway();
  let asked = 0;
  gateway.authorize = () => ({ code: CLOSE_CODES.unauthorized, reason: 'invalid-token' });
  const chat = fake.client({ token: () => `token-${++asked}` });
  await expect(chat.connect()).rejects.toMatchObject({ code: 'closed' });
  expect(asked).toBe(4); // the first token and three refreshes
  expect(gateway.connections).toBe(4);
});

it('refuses options it cannot work with at construction', () => {
  expect(() => fake.client({ url: 'http://127.0.0.1/v1/ws' })).toThrow(/ws:\/\/ or wss:\/\//);
  expect(() => fake.client({ requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
  expect(() => fake.client({ backoff: { initialMs: -1 } })).toThrow(/backoff.initialMs/);
  expect(() => fake.client({ sendAttempts: Number.NaN })).toThrow(/sendAttempts/);
});

it('gives up a connection that gets no welcome within the timeout, and tries again', async () => {
  const gateway = fake.gateway();
  gateway.welcome = false;
  const chat = fake.client({ requestTimeoutMs: 50 });
  const connecting = chat.connect();
  await gateway.waitFor((f) => f.type === 'hello');
  gateway.welcome = true;
  await connecting;
  expect(gateway.connections).toBe(2);
  expect(chat.state).toBe(State.Connected);
});
