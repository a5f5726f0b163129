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

export function runJest(args: string[]): number {
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  const result = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'jest'),
    ['--json', `--outputFile=${JEST_RESULTS}`, ...args],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  console.log(summaryLine());
  return result.status ?? 1;
}
