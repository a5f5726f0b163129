import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Config } from '@chat/config';
import type { StackConfig } from './stack-config';
import { tailFile } from './log-tail';
import { launch, runningPid, sleep } from './processes';
import { REPO_ROOT, type StackPaths } from './stack-paths';
import { StackError } from './stack';

export interface AppDefinition {
  name: 'command-api' | 'projectors' | 'gateway';
  port(config: Config): number;
}

export const APPS: AppDefinition[] = [
  { name: 'command-api', port: (config) => config.ports.commandApi },
  { name: 'projectors', port: (config) => config.ports.projectors },
  { name: 'gateway', port: (config) => config.ports.gateway },
];

/**
 * How Node runs every app. Semi-spaces of 64 MB instead of the default 16: the gateway and the
 * projectors allocate a short-lived object graph per message and batch, and under load a small
 * young generation is scavenged so often that objects of batches still in flight are copied
 * and promoted, which lengthens the tail of send-to-receive under load; the larger one costs
 * some resident memory per app (the trade is in docs/benchmarks.md).
 */
const APP_NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=64'];

/** The command line that runs a built app. */
export const appArgs = (app: AppDefinition['name']) => [
  ...APP_NODE_FLAGS,
  join(REPO_ROOT, 'dist', 'apps', app, 'src', 'main.js'),
];

export async function appReady(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * What the local stack sets for its apps on top of the caller's environment: a local
 * environment (the public development secrets are accepted, and each app warns that they are)
 * where local tokens can be minted (POST /v1/dev/tokens), which nothing else turns on.
 */
export const LOCAL_APP_ENV = {
  CHAT_ENVIRONMENT: 'local',
  CHAT_DEV_TOKENS: 'on',
  // A local webhook push service listens on loopback.
  CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS: 'on',
};

/** Builds the apps and starts each that is not running; waits for /health/ready. */
export async function startApps(config: StackConfig, paths: StackPaths): Promise<void> {
  console.log('building the apps (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  for (const app of APPS) {
    const pidFile = paths.pid(app.name);
    let pid = runningPid(pidFile);
    if (pid === undefined) {
      pid = launch({
        command: process.execPath,
        args: appArgs(app.name),
        cwd: REPO_ROOT,
        env: LOCAL_APP_ENV,
        logFile: paths.log(app.name),
        pidFile,
      });
    }
    const deadline = Date.now() + 60000;
    while (!(await appReady(app.port(config)))) {
      if (runningPid(pidFile) === undefined || Date.now() > deadline) {
        const log = paths.log(app.name);
        throw new StackError(
          `${app.name}: not ready on port ${app.port(config)}\n--- last lines of ${log} ---\n${tailFile(log)}`,
        );
      }
      await sleep(300);
    }
    console.log(
      `${app.name.padEnd(12)} ready      http://127.0.0.1:${app.port(config)} (pid ${pid})`,
    );
  }
}
