import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { mintToken } from '@chat/auth';
import { TOPICS } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startEventRecorder, type EventRecorder } from '../../../../test/harness/event-recorder';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { startTogether } from '../../../../test/harness/start-together';

/**
 * Thousands of generated requests that are malformed or unauthorized: every one must get a
 * 4xx problem document, the process must stay up, and not one event may reach the log.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('command-api-fuzz');
const run = randomUUID().slice(0, 8);
const MAX_BODY = 4096;
const RUNS = 2500;

let api: CommandApi;
let log: EventRecorder;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;
let existingGroup: string;
const fuzzUsers = [`fuzz-a-${run}`, `fuzz-b-${run}`];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  [api, log, projector] = await startTogether([
    startCommandApi({
      CHAT_RATE_LIMIT_PER_SECOND: '100000',
      CHAT_RATE_LIMIT_BURST: '100000',
      CHAT_MAX_BODY_BYTES: String(MAX_BODY),
    }),
    startEventRecorder(kafka, registryUrl, TOPICS.conversations),
    startInboxProjector(config, kafka, logger),
  ]);
  // A real group the fuzz users are not in.
  const owner = await api.as(`owner-${run}`);
  existingGroup = (await owner.post('/v1/conversations/groups', { title: 'private', members: [] }))
    .body.conversationId;
  await waitFor('the group in the view', async () => {
    const { rows } = await projector.pool.query(
      `SELECT 1 FROM ${projector.schema}.conversations WHERE conversation_id = $1`,
      [existingGroup],
    );
    return rows.length ? true : undefined;
  });
  const secret = new TextEncoder().encode(config.auth.jwtSecret);
  tokens.valid = (await mintToken(config.auth, { userId: fuzzUsers[0]! })).token;
  tokens.otherUser = (await mintToken(config.auth, { userId: fuzzUsers[1]!, deviceId: 'd' })).token;
  tokens.expired = (await mintToken(config.auth, { userId: fuzzUsers[0]! }, -60)).token;
  tokens.wrongSecret = (
    await mintToken({ ...config.auth, jwtSecret: 'x'.repeat(40) }, { userId: fuzzUsers[0]! })
  ).token;
  tokens.noSubject = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setExpirationTime('1h')
    .sign(secret);
  tokens.garbage = 'a.b.c';
});

afterAll(async () => {
  await Promise.all([api.close(), log.stop(), projector.stop()]);
});

// ---- generators -------------------------------------------------------------------------

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '%2e%2e',
    'a'.repeat(300),
    '\u0000',
    'ünï',
    '💥',
    'null',
    '0',
    '-1',
  ),
);
const conversationId = fc.oneof(
  fc.constant(() => existingGroup),
  fc.constant(() => `missing-${run}`),
  oddString.map((s) => () => encodeURIComponent(s) || 'x'),
);

const routes = [
  { method: 'POST', path: (c: string) => `/v1/conversations/${c}/messages`, creates: false },
  { method: 'PATCH', path: (c: string) => `/v1/conversations/${c}/messages/m-1`, creates: false },
  { method: 'DELETE', path: (c: string) => `/v1/conversations/${c}/messages/m-1`, creates: false },
  {
    method: 'PUT',
    path: (c: string) => `/v1/conversations/${c}/messages/m-1/reactions/%F0%9F%91%8D`,
    creates: false,
  },
  { method: 'POST', path: (c: string) => `/v1/conversations/${c}/members`, creates: false },
  {
    method: 'DELETE',
    path: (c: string) => `/v1/conversations/${c}/members/${fuzzUsers[1]}`,
    creates: false,
  },
  {
    method: 'PUT',
    path: (c: string) => `/v1/conversations/${c}/members/${fuzzUsers[1]}/role`,
    creates: false,
  },
  { method: 'POST', path: (c: string) => `/v1/conversations/${c}/leave`, creates: false },
  { method: 'POST', path: (c: string) => `/v1/conversations/${c}/delivered`, creates: false },
  { method: 'POST', path: (c: string) => `/v1/conversations/${c}/read`, creates: false },
  { method: 'POST', path: () => '/v1/conversations/groups', creates: true },
  { method: 'POST', path: () => '/v1/conversations/direct', creates: true },
  { method: 'PUT', path: () => '/v1/me/presence-settings', creates: true },
  { method: 'GET', path: (c: string) => `/v1/conversations/${c}`, creates: false },
  { method: 'POST', path: (c: string) => `/v1/${c}`, creates: false },
];

/** Bodies that look like real commands, with valid and invalid values mixed. */
const plausibleBody = fc.record(
  {
    clientMessageId: fc.oneof(fc.uuid(), oddString, fc.integer()),
    body: fc.oneof(fc.string(), fc.constant('x'.repeat(MAX_BODY)), fc.constant(null), fc.integer()),
    kind: fc.oneof(fc.constantFrom('TEXT', 'MEDIA', 'SYSTEM'), oddString),
    userId: fc.oneof(fc.constantFrom(...fuzzUsers), oddString),
    role: fc.oneof(fc.constantFrom('ADMIN', 'MEMBER'), oddString),
    upToSeq: fc.oneof(fc.nat(), fc.integer(), fc.double(), oddString),
    title: oddString,
    members: fc.oneof(fc.array(fc.constantFrom(...fuzzUsers)), fc.array(oddString), oddString),
    peerId: fc.oneof(fc.constantFrom(...fuzzUsers), oddString),
    ciphertext: fc.oneof(fc.record({ algorithm: oddString, data: oddString }), oddString),
    replyTo: fc.oneof(oddString, fc.constant(null)),
  },
  { requiredKeys: [] },
);

type Body = { raw: Uint8Array | string | undefined; json: unknown; contentType?: string };
/** Well-formed commands: from a user outside the conversation they must be refused (403). */
const wellFormed = fc
  .constantFrom(
    { clientMessageId: 'c-valid', body: 'let me in' },
    { upToSeq: 1 },
    { userId: 'someone' },
    { role: 'ADMIN' },
    { body: 'an edit' },
  )
  .map((json) => ({ raw: JSON.stringify(json), json }));
const body: fc.Arbitrary<Body> = fc.oneof(
  wellFormed,
  plausibleBody.map((json) => ({ raw: JSON.stringify(json), json })),
  fc.jsonValue().map((json) => ({ raw: JSON.stringify(json), json })),
  fc.uint8Array({ maxLength: 200 }).map((raw) => ({ raw, json: undefined })),
  // Invalid UTF-8 inside an otherwise fine JSON string.
  fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]).map((bad) => ({
    raw: Buffer.concat([
      Buffer.from('{"clientMessageId":"c","body":"'),
      Buffer.from(bad),
      Buffer.from('"}'),
    ]),
    json: undefined,
  })),
  // A lone surrogate, legal as a JSON escape but not text.
  fc.constant({ raw: '{"clientMessageId":"c","body":"\\ud800"}', json: { body: '\ud800' } }),
  fc.constant({ raw: `{"body":"${'x'.repeat(MAX_BODY)}"}`, json: undefined }),
  fc.constant({ raw: '['.repeat(3000) + ']'.repeat(3000), json: undefined }),
  fc.constant({ raw: '{"clientMessageId":"c"', json: undefined }),
  fc.constant({ raw: '', json: undefined }),
  fc.constant({ raw: undefined, json: undefined }),
  plausibleBody.map((json) => ({ raw: JSON.stringify(json), json, contentType: 'text/plain' })),
);

const tokenChoice = fc.constantFrom(
  'none',
  'valid',
  'otherUser',
  'expired',
  'wrongSecret',
  'noSubject',
  'garbage',
  'basic',
);

describe('malformed and unauthorized requests', () => {
  it(`get a 4xx problem for each of ${RUNS} generated requests, and append nothing`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        conversationId,
        body,
        tokenChoice,
        async (route, conv, b, token) => {
          const authorized = token === 'valid' || token === 'otherUser';
          // Creation by an authorized user must never be a valid command: make its body invalid.
          // fetch cannot send a body with GET.
          let raw = route.method === 'GET' ? undefined : b.raw;
          if (route.creates && authorized) {
            raw = JSON.stringify({
              ...(typeof b.json === 'object' && b.json ? b.json : {}),
              unexpected: true,
            });
          }
          const headers: Record<string, string> = {};
          if (raw !== undefined) headers['content-type'] = b.contentType ?? 'application/json';
          if (token === 'basic') headers.authorization = 'Basic Zm9vOmJhcg==';
          const response = await api.request(route.method, route.path(conv()), {
            token: token in tokens ? tokens[token] : undefined,
            raw,
            headers,
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          // A refusal waits for the inbox to read the log as far as the request saw it; on a
          // loaded machine it may still be behind then, and the answer is "retry", not a 4xx.
          if (response.status === 503) {
            expect(response.body).toMatchObject({ status: 503, code: 'views-behind' });
            return;
          }
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(response.body).toMatchObject({
            status: response.status,
            code: expect.any(String),
          });
        },
      ),
      { numRuns: RUNS },
    );
    // The process is alive and serves the next request.
    expect((await api.request('GET', '/health/live')).status).toBe(200);
    // Wait for anything that might have been appended, then look for the fuzz users' events.
    const owner = await api.as(`owner-${run}`);
    await owner.post(`/v1/conversations/${existingGroup}/read`, { upToSeq: 1 });
    await log.waitFor(
      'the closing marker',
      (e) => e.type === 'MessagesRead' && e.conversationId === existingGroup,
    );
    const fromFuzz = log.all().filter((e) => fuzzUsers.includes(e.envelope.actor.userId));
    expect(fromFuzz).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 404, 413, 415]));
    // Thousands of requests, each refusal that may be a stale view waiting for the inbox: on
    // two shared cores that can take minutes, and only the answers are under test.
  }, 300000);

  it('refuses every well-formed command from a user outside the conversation with 403', async () => {
    const outsider = await api.as(fuzzUsers[1]!);
    const base = `/v1/conversations/${existingGroup}`;
    const attempts: Array<[string, string, unknown]> = [
      ['POST', `${base}/messages`, { clientMessageId: `c-${run}`, body: 'let me in' }],
      ['PATCH', `${base}/messages/m-1`, { body: 'an edit' }],
      ['DELETE', `${base}/messages/m-1`, undefined],
      ['PUT', `${base}/messages/m-1/reactions/%F0%9F%91%8D`, undefined],
      ['POST', `${base}/members`, { userId: fuzzUsers[0] }],
      ['DELETE', `${base}/members/${fuzzUsers[0]}`, undefined],
      ['PUT', `${base}/members/${fuzzUsers[0]}/role`, { role: 'ADMIN' }],
      ['POST', `${base}/delivered`, { upToSeq: 1 }],
      ['POST', `${base}/read`, { upToSeq: 1 }],
    ];
    for (const [method, path, json] of attempts) {
      const response = await outsider.send(method, path, json);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
      expect(response.body).toMatchObject({ status: 403, code: expect.any(String) });
    }
    const owner = await api.as(`owner-${run}`);
    await owner.post(`${base}/messages`, { clientMessageId: `marker-${run}`, body: 'done' });
    await log.waitFor(
      'the second closing marker',
      (e) => e.type === 'MessageSent' && e.conversationId === existingGroup,
    );
    expect(log.all().filter((e) => fuzzUsers.includes(e.envelope.actor.userId))).toEqual([]);
  });
});
