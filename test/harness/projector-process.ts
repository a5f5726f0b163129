import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { outputTail, spawnTs } from './spawn-ts';
import type { Env } from '@chat/config';
import type { ProjectionName } from '@chat/views';
import type { ViewVersions } from './view-versions';

const ROOT = join(__dirname, '..', '..');

/** A projector in a process of its own: a test can kill it with any signal. */
export interface ProjectorProcess {
  readonly child: ChildProcess;
  /** Throws, with the tail of the child's output, if it has died on its own. */
  assertAlive(): void;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const everyStarted = new Set<ProjectorProcess>();

export function startProjectorProcess(
  versions: ViewVersions | Partial<Record<ProjectionName, number>>,
  env: Env = {},
): ProjectorProcess {
  const child = spawnTs(
    join(ROOT, 'test', 'harness', 'run-projections.ts'),
    [JSON.stringify(versions), JSON.stringify(env)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = outputTail(child, 16 * 1024);
  let killedByUs = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const projector: ProjectorProcess = {
    child,
    assertAlive() {
      if (!killedByUs && (child.exitCode !== null || child.signalCode !== null)) {
        throw new Error(
          `projector process exited with ${child.exitCode ?? child.signalCode}:\n${output()}`,
        );
      }
    },
    async kill(signal) {
      killedByUs = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      everyStarted.delete(projector);
    },
  };
  everyStarted.add(projector);
  return projector;
}

/** For afterAll: no projector process outlives the test file, whatever failed. */
export async function killEveryProjectorProcess(): Promise<void> {
  await Promise.all([...everyStarted].map((projector) => projector.kill('SIGKILL')));
}
