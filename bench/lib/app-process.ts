import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, appArgs } from '../../tools/stack/src/apps';
import { freePort } from '../../tools/stack/src/preflight';
import { runningPid } from '../../tools/stack/src/processes';
import { loadStackConfig } from '../../tools/stack/src/stack-config';
import { stackPaths } from '../../tools/stack/src/stack-paths';

const REPO_ROOT = join(__dirname, '..', '..');

/**
 * A benchmark measures only what it started. Apps left running on the same stack (`npm start`)
 * join the benchmark's consumer groups and do part of its work on CPU it does not count, and
 * `dist/` is rebuilt under them; so a benchmark that starts apps refuses to run beside them.
 */
export function assertNoStackAppsRunning(): void {
  const paths = stackPaths(loadStackConfig());
  const running = APPS.flatMap((app) => {
    const pid = runningPid(paths.pid(app.name));
    return pid === undefined ? [] : [`${app.name} (pid ${pid})`];
  });
  if (running.length > 0) {
    throw new Error(
      `the stack's apps are running: ${running.join(', ')}. They would share this benchmark's ` +
        'consumer groups and do part of its work unmeasured. Stop them first: ' +
        `kill ${running.map((r) => r.replace(/.*pid (\d+)\)/, '$1')).join(' ')}`,
    );
  }
}

/** Compiles the apps once (Nest's dependency injection needs tsc's decorator metadata). */
export function buildApps(): void {
  assertNoStackAppsRunning();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

/**
 * Runs one of the built apps as its own process (as in production: the load generator must not share
 * its event loop) on a free port, and stops it by its pid.
 */
export async function startAppProcess(
  app: 'command-api' | 'projectors' | 'gateway',
  env: Record<string, string> = {},
  /** A given port (a restart in place); a free one by default. */
  fixedPort?: number,
) {
  assertNoStackAppsRunning();
  const port = fixedPort ?? (await freePort());
  const portVariable = {
    'command-api': 'COMMAND_API_PORT',
    projectors: 'PROJECTORS_PORT',
    gateway: 'GATEWAY_PORT',
  }[app];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
      ...appArgs(app),
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, [portVariable]: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`${app} not ready in 60 s`);
    }
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    pid: child.pid!,
    /** CPU seconds (user + system) the process has used so far (Linux /proc). */
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    /** Sends `signal` to this process (only the one started here) and waits for its exit. */
    kill: (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
