import { readdirSync, readFileSync } from 'node:fs';
import type { StackPaths } from '../../tools/stack/src/stack-paths';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

function statOf(pid: number): { ppid: number; cpu: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return undefined; // the process is gone
  }
}

/** Every pid on the machine whose parent is `parent` (a Postgres postmaster's backends). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => statOf(pid)?.ppid === parent);
}

function pidFromFile(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system, from /proc/<pid>/stat) of named groups of processes, read at
 * the start and end of a window. A group can be a pid, the stack's pid file of a service, or
 * a service with its children (Postgres: the postmaster and all its backends, which come
 * and go; a backend that exited in the window is missed, a new one counts from zero).
 */
export function processCpu(groups: Record<string, () => number[]>) {
  const read = () =>
    Object.fromEntries(
      Object.entries(groups).map(([name, pids]) => [
        name,
        new Map(pids().map((pid) => [pid, statOf(pid)?.cpu ?? 0])),
      ]),
    );
  return {
    /** Starts a window; its `end()` gives the CPU seconds each group used in it. */
    start() {
      const before = read();
      return {
        end(): Record<string, number> {
          const after = read();
          return Object.fromEntries(
            Object.entries(after).map(([name, pids]) => [
              name,
              [...pids].reduce((sum, [pid, cpu]) => sum + cpu - (before[name]!.get(pid) ?? 0), 0),
            ]),
          );
        },
      };
    },
  };
}

/** The local stack's services, by their pid files (Postgres with its backends). */
export function stackServiceGroups(paths: StackPaths): Record<string, () => number[]> {
  const one = (service: string) => () => {
    const pid = pidFromFile(paths.pid(service));
    return pid === undefined ? [] : [pid];
  };
  return {
    kafka: one('kafka'),
    cassandra: one('cassandra'),
    postgres: () => {
      const pid = pidFromFile(paths.pid('postgres'));
      return pid === undefined ? [] : [pid, ...childrenOf(pid)];
    },
    redis: one('redis'),
    registry: one('registry'),
  };
}
