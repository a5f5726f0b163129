import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { ensurePythonTool } from '../../../../tools/stack/src/installers';
import { loadStackConfig } from '../../../../tools/stack/src/stack-config';
import { stackPaths } from '../../../../tools/stack/src/stack-paths';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { startTogether } from '../../../../test/harness/start-together';

/**
 * Schemathesis fuzzes every operation of the served OpenAPI document with generated valid and
 * invalid requests, with every check it has: not one may get a 5xx, every response must be one
 * the document declares for that operation, with that content type and schema, a valid
 * request must not be refused as malformed nor an invalid one accepted, and a method the
 * document does not declare must get 405.
 */
const { config, logger, kafka } = eventLogFixture('command-api-contract');
/** Examples per operation and round of the fuzzing phase. */
const MAX_EXAMPLES = 30;
/**
 * The budget of the phases: schemathesis repeats rounds until it is spent (2,000 to 3,000
 * generated cases on two cores). A run that outlives it by 60 s is killed and fails the test.
 */
const MAX_SECONDS = 60;
/** Fewer generated cases than this: the run did not test the API, whatever it reported. */
const MIN_CASES = 500;

let api: CommandApi;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;
let schemathesis: string;
let reports: string;

beforeAll(async () => {
  schemathesis = ensurePythonTool(stackPaths(loadStackConfig()).root);
  reports = mkdtempSync(join(tmpdir(), 'schemathesis-'));
  // The inbox view must follow the log, or every refusal waits out the catch-up deadline.
  [api, projector] = await startTogether([
    startCommandApi({
      CHAT_DEV_TOKENS: 'on',
      CHAT_RATE_LIMIT_PER_SECOND: '100000',
      CHAT_RATE_LIMIT_BURST: '100000',
      GATEWAY_READ_RATE_PER_SECOND: '100000',
      GATEWAY_READ_RATE_BURST: '100000',
      // A long poll the fuzzer asks for is held this long at most, within the run's budget.
      CHAT_SYNC_MAX_WAIT_MS: '200',
    }),
    startInboxProjector(config, kafka, logger),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([api?.close(), projector?.stop()]);
  rmSync(reports, { recursive: true, force: true });
});

const FUZZER = `schemathesis-${randomUUID().slice(0, 8)}`;
/** The reaction the fuzzer adds and takes back. */
const REACTION = '\u{1F44D}';

/**
 * Most generated ids name nothing and end at a 404. Real groups the fuzzer is in and a message
 * in one, offered for the path parameters most of the time, let requests reach the decisions
 * and the log (a receipt up to a seq no store holds, a member's removal, an edit).
 */
async function realTargets(token: string): Promise<string> {
  const post = (path: string, body: unknown) => api.request('POST', path, { token, body });
  const peer = `${FUZZER}-peer`;
  const createGroup = async () => {
    const group = await post('/v1/conversations/groups', { title: 'fuzzed', members: [peer] });
    expect(group.status).toBe(202);
    const conversationId: string = group.body.conversationId;
    await waitFor('the group in the inbox view', async () => {
      const { rows } = await projector.pool.query(
        'SELECT 1 FROM inbox.conversations WHERE conversation_id = $1',
        [conversationId],
      );
      return rows.length > 0 || undefined;
    });
    return conversationId;
  };
  // One group to act in, another to leave: once the fuzzer has left, it can only be refused.
  const [group, leavable] = await Promise.all([createGroup(), createGroup()]);
  const sent = await post(`/v1/conversations/${group}/messages`, {
    clientMessageId: 'first',
    body: 'hello',
  });
  expect(sent.status).toBe(202);
  const offered = (name: string, values: string[]) =>
    `[dictionaries.${name}]\nvalues = ${JSON.stringify(values)}\n`;
  const offer = (name: string, dictionary: string) =>
    `"path.${name}" = { dictionary = "${dictionary}", probability = 0.8 }`;
  return [
    offered('conversations', [group]),
    offered('leavable', [leavable]),
    offered('messages', [sent.body.messageId]),
    // Only the peer: the fuzzer removing or demoting itself would end the run's reach.
    offered('members', [peer]),
    '[parameters]',
    offer('conversationId', 'conversations'),
    offer('messageId', 'messages'),
    offer('userId', 'members'),
    '',
    '[[operations]]',
    'include-path-regex = "/leave$"',
    `parameters = { ${offer('conversationId', 'leavable')} }`,
    '',
    // Receipts always name the real group, so the boundary values of the coverage phase (which
    // draws no dictionary) reach the event log: a seq the log cannot encode would be a 500.
    '[[operations]]',
    'include-path-regex = "/(read|delivered)$"',
    `parameters = { "path.conversationId" = "${group}" }`,
    '',
    // A reaction is one emoji, which OpenAPI 3.0 cannot spell (its patterns are ECMA 262
    // without the `u` flag, where no range of astral characters compiles): the document states
    // only its length, so the fuzzer reacts with a real emoji. What else the path may hold is
    // the validator's (request-schemas.unit.spec.ts, malformed-requests.int.spec.ts).
    '[[operations]]',
    'include-path-regex = "/reactions/"',
    `parameters = { "path.emoji" = "${REACTION}", ${offer('conversationId', 'conversations')}, ${offer('messageId', 'messages')} }`,
    '',
  ].join('\n');
}

/** The part of schemathesis's JSON report the test reads. */
interface RunReport {
  operations: { tested: number };
  test_cases: { generated: number; with_failures: number; errored: number };
  errors: unknown[];
}

const lastLines = (text: string, count: number) => text.split('\n').slice(-count).join('\n');

/**
 * Schemathesis's account of its failures in a few lines: each failing operation, the checks it
 * failed, the status and body it got and the curl that reproduces it, so that a short excerpt
 * of a run's log says what failed.
 */
const failureHeadlines = (output: string) =>
  output
    .slice(Math.max(0, output.indexOf('FAILURES')))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^_+ .+ _+$|^- \S|^\[\d{3}\]|^`[{[]|^curl /.test(line))
    .map((line) => line.slice(0, 240))
    .slice(0, 24);

interface Run {
  code: number | null;
  output: string;
}

/** Runs the fuzzer without blocking this process, which serves the requests it makes. */
function runSchemathesis(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(schemathesis, args, {
      // Its cache and reports stay out of the work tree.
      cwd: reports,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), (MAX_SECONDS + 60) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, output });
    });
  });
}

describe('the OpenAPI contract', () => {
  it(
    'holds under schemathesis with every check: the document admits exactly what the API accepts',
    async () => {
      const minted = await api.request('POST', '/v1/dev/tokens', {
        body: { userId: FUZZER, deviceId: 'fuzzer' },
      });
      expect(minted.status).toBe(201);
      const config = join(reports, 'schemathesis.toml');
      writeFileSync(config, await realTargets(minted.body.token));
      const run = await runSchemathesis([
        '--config-file',
        config,
        'run',
        `${api.baseUrl}/openapi.json`,
        '--url',
        api.baseUrl,
        '--header',
        `Authorization: Bearer ${minted.body.token}`,
        '--checks',
        'all',
        '--max-examples',
        String(MAX_EXAMPLES),
        '--max-time',
        String(MAX_SECONDS),
        // Not the stateful phase: the links it infers take a sent text message to its media
        // (404 media-not-found, reported as a created resource not found), and the groups it
        // creates and uses at once race the shared inbox view (503 views-behind).
        '--phases',
        'examples,coverage,fuzzing',
        // One worker: hypothesis describes generated lambdas through a shared AST cache that is
        // not thread-safe, and with two workers a run sometimes dies inside schemathesis itself
        // ("AST constructor recursion depth mismatch"), a tool error that says nothing of the API.
        '--workers',
        '1',
        '--seed',
        '1',
        '--generation-database',
        'none',
        '--no-color',
        '--report',
        'json',
        '--report-json-path',
        join(reports, 'run.json'),
      ]);
      const report = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')) as RunReport;
      const figures = {
        operations: report.operations.tested,
        examples: report.test_cases.generated,
        failures: report.test_cases.with_failures,
        errors: report.test_cases.errored + report.errors.length,
      };
      // The figures and, on failure, the fuzzer's own account of each failure.
      console.log(
        `schemathesis: ${JSON.stringify(figures)}`,
        ...(run.code === 0 ? [] : ['\n', failureHeadlines(run.output).join('\n')]),
      );
      expect({
        ...figures,
        exitCode: run.code,
        output: run.code === 0 ? '' : lastLines(run.output, 200),
      }).toEqual({
        operations: 30,
        examples: expect.any(Number),
        failures: 0,
        errors: 0,
        exitCode: 0,
        output: '',
      });
      expect(figures.examples).toBeGreaterThan(MIN_CASES);
    },
    (MAX_SECONDS + 120) * 1000,
  );
});
