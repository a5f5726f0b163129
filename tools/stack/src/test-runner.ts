import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './stack-paths';

export const JEST_RESULTS = join(REPO_ROOT, 'reports', 'jest-results.json');

/** `N passed, N failed` from jest's JSON results: the line CI counts. */
export function summaryLine(resultsFile = JEST_RESULTS): string {
  if (!existsSync(resultsFile)) return '0 passed, 0 failed';
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
  };
  return `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
}

/**
 * A whole run may not take longer than this: a test that leaks a process or a socket must fail
 * the run, not hang it.
 */
const RUN_DEADLINE_MS = 70 * 60 * 1000;

export function runJest(args: string[]): number {
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  const result = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'jest'),
    // --forceExit: results are written once every test has finished; a handle some test left
    // open must not keep the run alive after that.
    ['--json', `--outputFile=${JEST_RESULTS}`, '--forceExit', ...args],
    { cwd: REPO_ROOT, stdio: 'inherit', timeout: RUN_DEADLINE_MS, killSignal: 'SIGKILL' },
  );
  if (result.error) console.error(`jest did not finish: ${result.error.message}`);
  console.log(summaryLine());
  return result.status ?? 1;
}
