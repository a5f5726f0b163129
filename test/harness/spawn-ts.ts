import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Runs a TypeScript file in a child Node process. Through `node --import tsx` rather than the
 * `tsx` command, so the child is the process itself: a SIGKILL reaches the code under test
 * instead of orphaning it behind a wrapper.
 */
export function spawnTs(script: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], options);
}
