import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventLogFixture } from '@chat/events/testing';
import { ensurePythonTool } from '../../../../tools/stack/src/installers';
import { stackPaths } from '../../../../tools/stack/src/stack-paths';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';

/**
 * Schemathesis fuzzes every operation of the served OpenAPI document with generated valid and
 * invalid requests. Not one may get a 5xx, and every response must be one the document
 * declares for that operation, with that content type and schema.
 */
const { config, logger, kafka } = eventLogFixture('command-api-contract');
/** Per operation; with 2 workers the run takes about a minute on two cores. */
const MAX_EXAMPLES = 30;
/** The run's own budget, and the deadline after which it is killed and the test fails. */
const MAX_SECONDS = 150;

let api: CommandApi;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;
let schemathesis: string;
let reports: string;

beforeAll(async () => {
  schemathesis = ensurePythonTool(stackPaths(config).root);
  reports = mkdtempSync(join(tmpdir(), 'schemathesis-'));
  // The inbox view must follow the log, or every refusal waits out the catch-up deadline.
  [api, projector] = await Promise.all([
    startCommandApi({
      CHAT_DEV_TOKENS: 'on',
      CHAT_RATE_LIMIT_PER_SECOND: '100000',
      CHAT_RATE_LIMIT_BURST: '100000',
    }),
    startInboxProjector(config, kafka, logger),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([api?.close(), projector?.stop()]);
  rmSync(reports, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  output: string;
}

/** Runs the fuzzer without blocking this process, which serves the requests it makes. */
function runSchemathesis(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(schemathesis, args, {
      env: { ...process.env, SCHEMATHESIS_HOOKS: '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), (MAX_SECONDS + 30) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, output });
    });
  });
}

describe('the OpenAPI contract', () => {
  it(
    'holds under schemathesis: no 5xx and every response as documented',
    async () => {
      const minted = await api.request('POST', '/v1/dev/tokens', {
        body: { userId: 'schemathesis', deviceId: 'fuzzer' },
      });
      expect(minted.status).toBe(201);
      const run = await runSchemathesis([
        'run',
        `${api.baseUrl}/openapi.json`,
        '--url',
        api.baseUrl,
        '--header',
        `Authorization: Bearer ${minted.body.token}`,
        '--checks',
        'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
        '--max-examples',
        String(MAX_EXAMPLES),
        '--max-time',
        String(MAX_SECONDS),
        '--phases',
        'examples,coverage,fuzzing',
        '--workers',
        '2',
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
      require('node:fs').writeFileSync('/tmp/st-out.txt', run.output);
      require('node:fs').copyFileSync(join(reports, 'run.json'), '/tmp/st-run.json');
      expect(run.code).toBe(0);
    },
    (MAX_SECONDS + 60) * 1000,
  );
});
