import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { StackConfig } from './stack-config';

/** The repository root, found from this file so the CLI works from any working directory. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** Everything the local stack writes lives under one git-ignored folder. */
export interface StackPaths {
  root: string;
  dist(service: string): string;
  data(service: string): string;
  conf(service: string): string;
  log(service: string): string;
  pid(service: string): string;
}

export function stackPaths(config: Pick<StackConfig, 'stack'>): StackPaths {
  const root = isAbsolute(config.stack.dir) ? config.stack.dir : join(REPO_ROOT, config.stack.dir);
  const dir = (...parts: string[]) => {
    const path = join(root, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };
  return {
    root,
    dist: (service) => dir('dist', service),
    data: (service) => dir('data', service),
    conf: (service) => dir('conf', service),
    log: (service) => join(dir('logs'), `${service}.log`),
    pid: (service) => join(dir('run'), `${service}.pid`),
  };
}
