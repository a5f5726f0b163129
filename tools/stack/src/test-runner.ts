import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './stack-paths';

const REPORTS = join(REPO_ROOT, 'reports');

/**
 * A run of every tier is two jest runs: the tests that share the stack side by side, then, one
 * at a time, those that change it for every test beside them (the 'alone' project in
 * jest.config.js: service restarts, rebuilds that switch readers). Each writes its own JSON
 * results.
 */
const PHASES = [
  {
    results: join(REPORTS, 'jest-results.json'),
    args: ['--selectProjects', 'unit', 'integration', 'e2e'],
  },
  {
    results: join(REPORTS, 'jest-results-alone.json'),
    args: ['--selectProjects', 'alone', '--maxWorkers=1'],
  },
];

interface JestResults {
  numPassedTests: number;
  numFailedTests: number;
}

/** `N passed, N failed` from jest's JSON results (every phase of the last run): the line CI counts. */
export function summaryLine(): string {
  const totals = { passed: 0, failed: 0 };
  for (const { results } of PHASES) {
    if (!existsSync(results)) continue;
    const counted = JSON.parse(readFileSync(results, 'utf8')) as JestResults;
    totals.passed += counted.numPassedTests;
    totals.failed += counted.numFailedTests;
  }
  return `${totals.passed} passed, ${totals.failed} failed`;
}

/**
 * A whole run may not take longer than this: a test that leaks a process or a socket must fail
 * the run, not hang it.
 */
const RUN_DEADLINE_MS = 70 * 60 * 1000;

function jest(resultsFile: string, args: string[], deadline: number): number {
  const result = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'jest'),
    // --forceExit: results are written once every test has finished; a handle some test left
    // open must not keep the run alive after that.
    ['--json', `--outputFile=${resultsFile}`, '--forceExit', ...args],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      timeout: Math.max(1, deadline - Date.now()),
      killSignal: 'SIGKILL',
    },
  );
  if (result.error) console.error(`jest did not finish: ${result.error.message}`);
  return result.status ?? 1;
}

/** Every tier, phase by phase; with arguments (a file, a pattern), one jest run of just those. */
export function runJest(args: string[]): number {
  mkdirSync(REPORTS, { recursive: true });
  for (const { results } of PHASES) rmSync(results, { force: true });
  const deadline = Date.now() + RUN_DEADLINE_MS;
  const phases = args.length > 0 ? [{ results: PHASES[0]!.results, args }] : PHASES;
  let status = 0;
  for (const phase of phases) {
    const began = Date.now();
    const phaseStatus = jest(phase.results, phase.args, deadline);
    console.log(`${phase.args.join(' ')}: ${((Date.now() - began) / 1000).toFixed(0)} s`);
    status ||= phaseStatus;
  }
  console.log(summaryLine());
  return status;
}
