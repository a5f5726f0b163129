import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Config } from '@chat/config';
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
 * What the local stack sets for its apps on top of the caller's environment: local tokens can be
 * minted (POST /v1/dev/tokens), which nothing else turns on.
 */
export const LOCAL_APP_ENV = { CHAT_DEV_TOKENS: 'on' };

/** Builds the apps and starts each that is not running; waits for /health/ready. */
export async function startApps(config: Config, paths: StackPaths): Promise<void> {
  console.log('building the apps (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  for (const app of APPS) {
    const pidFile = paths.pid(app.name);
    let pid = runningPid(pidFile);
    if (pid === undefined) {
      pid = launch({
        command: process.execPath,
        args: ['--enable-source-maps', join(REPO_ROOT, 'dist', 'apps', app.name, 'src', 'main.js')],
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
