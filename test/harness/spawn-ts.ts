import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Runs a TypeScript file in a child Node process. Through `node --import tsx` rather than the
 * `tsx` command, so the child is the process itself: a SIGKILL reaches the code under test
 * instead of orphaning it behind a wrapper.
 */
export function spawnTs(script: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], options);
}

/** The last `keptBytes` of a child's stdout and stderr: what a test shows when the child died. */
export function outputTail(child: ChildProcess, keptBytes = 32 * 1024): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-keptBytes);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}
