import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Background processes owned by the stack: started detached with output to a log file and
 * their pid in a file, so `down` stops exactly what `up` started and nothing else.
 */
export interface LaunchSpec {
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  logFile: string;
  pidFile: string;
}

export function launch(spec: LaunchSpec): number {
  const log = openSync(spec.logFile, 'a');
  const options: SpawnOptions = {
    cwd: spec.cwd,
    // The child inherits this environment plus the service's own variables.
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', log, log],
  };
  const child = spawn(spec.command, spec.args, options);
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  child.unref();
  writeFileSync(spec.pidFile, `${child.pid}\n`);
  return child.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The pid from the file when that process still runs; a stale file is removed. */
export function runningPid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid !== undefined && isAlive(pid)) return pid;
  if (pid !== undefined) rmSync(pidFile, { force: true });
  return undefined;
}

/** The signal (SIGTERM unless said), wait up to the deadline, then SIGKILL. */
export async function stop(
  pidFile: string,
  deadlineMs = 30000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) return false;
  process.kill(pid, signal);
  const deadline = Date.now() + deadlineMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
  rmSync(pidFile, { force: true });
  return true;
}

/** Resident memory in MB from /proc, or undefined when the process is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
