import { randomUUID } from 'node:crypto';
import { loadConfig } from '@chat/config';
import { waitFor } from '@chat/events/testing';
import { createLogger } from '@chat/observability';
import {
  startProjections,
  type RunningProjections,
} from '../../apps/projectors/src/start-projections';
import { startCommandApi, type CommandApi } from '../harness/command-api';
import { flood, type FloodReport } from '../harness/flood';
import { startGatewayProcess, type GatewayProcess } from '../harness/gateway';
import { rawSocket } from '../harness/raw-socket';

/**
 * One user floods every frame type, connections and every kind of HTTP route at full speed,
 * with the budgets a deployment has by default; another user on the same gateway and command
 * API sends 20 messages a second meanwhile. Every one of the other user's sends is accepted
 * and delivered; the flooder is told `rate-limited` (or 429) with when to retry.
 */
const run = randomUUID().slice(0, 8);
const user = (name: string) => `${name}-${run}`;
let projections: RunningProjections;
let api: CommandApi;
let gateway: GatewayProcess;

beforeAll(async () => {
  [projections, api, gateway] = await Promise.all([
    startProjections(loadConfig(), { logger: createLogger('abuse-projectors', 'silent') }),
    startCommandApi(),
    startGatewayProcess(),
  ]);
}, 120000);

afterAll(async () => {
  await gateway?.close();
  await api?.close();
  await projections?.stop();
});

const FLOOD_MS = 4000;
const RETRIABLE = ['log-unavailable', 'views-unavailable', 'views-behind'];
const MAX_FLOOD_MS = 12000;
const RATE = 20;

it("keeps every one of another user's sends accepted and delivered while one user floods everything", async () => {
  const alice = await api.as(user('alice'));
  const bob = await api.as(user('bob'));
  const mallory = await api.as(user('mallory'));
  const group = (
    await alice.post('/v1/conversations/groups', { title: 'ok', members: [bob.userId] })
  ).body.conversationId as string;
  const own = (await mallory.post('/v1/conversations/groups', { title: 'spam', members: [] })).body
    .conversationId as string;
  const bobSocket = await rawSocket(gateway.url, await gateway.token(bob.userId, 'phone'));
  const aliceSocket = await rawSocket(gateway.url, await gateway.token(alice.userId, 'phone'));
  await Promise.all([bobSocket.synced(), aliceSocket.synced()]);
  await waitFor('the groups to be projected', async () => {
    const answer = await aliceSocket.request({ type: 'history', conversationId: group });
    return answer.type === 'result' ? true : undefined;
  });

  // Alice sends 20/s, every other one over HTTP: one budget per user across both.
  let flooding = true;
  let sent = 0;
  const answers: Array<{ via: string; outcome: string; messageId?: string }> = [];
  type Outcome = { outcome: string; messageId?: string };
  // A dependency that is slow on a loaded machine (Kafka past the append deadline) is retried
  // with the same clientMessageId, as the SDK does; a budget or an overload never is.
  const answer = async (via: string, attempt: () => Promise<Outcome>) => {
    for (let tries = 1; ; tries++) {
      const answered = await attempt().catch((error: Error) => ({ outcome: error.message }));
      if (!RETRIABLE.some((code) => answered.outcome.endsWith(code)) || tries === 3) {
        answers.push({ via, ...answered });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const aliceSends = (async () => {
    // 50 ms apart at least: a late timer never makes a burst above her 20/s budget.
    let due = Date.now();
    for (let i = 0; flooding; i++, sent++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      due = Math.max(due, Date.now()) + 1000 / RATE;
      const send = { clientMessageId: `a-${i}`, body: `hello ${i}` };
      if (i % 2 === 0) {
        void answer('ws', () =>
          aliceSocket.request({ type: 'send', conversationId: group, ...send }).then((frame) => ({
            outcome: frame.type === 'result' ? 'accepted' : String(frame.code),
            messageId: (frame.result as { messageId?: string } | undefined)?.messageId,
          })),
        );
      } else {
        void answer('http', () =>
          alice.post(`/v1/conversations/${group}/messages`, send).then((response) => ({
            outcome:
              response.status === 202 ? 'accepted' : `${response.status} ${response.body?.code}`,
            messageId: response.body?.messageId as string | undefined,
          })),
        );
      }
    }
  })();
  // At least FLOOD_MS, and on until every budget has refused the flooder (a loaded machine
  // may take longer to get there), at most a bound.
  const started = Date.now();
  const report = await flood({
    gatewayUrl: gateway.url,
    apiUrl: api.baseUrl,
    token: mallory.token,
    conversationId: own,
    keepGoing: (report) =>
      Date.now() - started < FLOOD_MS ||
      (Date.now() - started < MAX_FLOOD_MS && !everyBudgetRefused(report)),
  });
  flooding = false;
  const floodMs = Date.now() - started;
  await aliceSends;
  await waitFor('every answer to alice', () => (answers.length >= sent ? true : undefined), {
    timeoutMs: 40000,
  });

  expect(answers.filter((a) => a.outcome !== 'accepted')).toEqual([]);
  const ids = new Set(answers.map((a) => a.messageId));
  await bobSocket.until(
    'every message of alice at bob',
    (frames) =>
      frames.filter(
        (f) => f.type === 'message' && ids.has((f.item as { messageId: string }).messageId),
      ).length === ids.size,
    60000,
  );
  expect(gateway.alive()).toBe(true);
  expectRefused(report, floodMs);
}, 180000);

const BUDGETED = [
  'send',
  'ack',
  'read',
  'typing',
  'history',
  'sync',
  'inbox',
  'search',
  'presence.subscribe',
  'presence.unsubscribe',
  'media.url',
];
/**
 * Reads over HTTP, past their budget (one per user for all of them). Commands over HTTP share
 * the user's command budget with the socket's sends, which the frames show refused.
 */
const READ_ROUTES = ['GET inbox', 'GET history', 'GET search', 'GET members'];
const readsAnswered = (report: FloodReport, status: string) =>
  READ_ROUTES.reduce((sum, route) => sum + (report.http[route]?.[status] ?? 0), 0);

function everyBudgetRefused(report: FloodReport): boolean {
  return (
    BUDGETED.every((type) => (report.frames[type]?.['rate-limited'] ?? 0) > 0) &&
    (report.frames.hello?.['bad-page'] ?? 0) > 0 &&
    (report.connects.ws['429'] ?? 0) > 0 &&
    (report.connects.sse['429'] ?? 0) > 0 &&
    readsAnswered(report, '429 rate-limited') > 0
  );
}

/** The flood was refused by budget on every frame type, connection and route. */
function expectRefused(report: FloodReport, elapsedMs: number) {
  for (const type of BUDGETED) {
    expect([type, (report.frames[type]?.['rate-limited'] ?? 0) > 0]).toEqual([type, true]);
  }
  // A repeated hello is a bad frame: 20 of them close the socket as abusive.
  expect(report.frames.hello?.['bad-page']).toBeGreaterThan(0);
  expect(report.connects.ws['429']).toBeGreaterThan(0);
  expect(report.connects.sse['429']).toBeGreaterThan(0);
  // However fast the flood got there: the reads taken stay within the budget (60 at once, then
  // 20 a second; the long polls take from it too).
  const seconds = Math.ceil(elapsedMs / 1000) + 1;
  expect(readsAnswered(report, '200')).toBeLessThanOrEqual(60 + 20 * seconds);
  // Nothing but budgets and bad frames closed the flooding sockets.
  const closes = Object.values(report.closes).flatMap((byCode) => Object.keys(byCode));
  expect(closes.filter((code) => !['4009', '1005', '1000'].includes(code))).toEqual([]);
}
