import type { StackConfig } from './stack-config';
import { tailFile } from './log-tail';
import { commandExists, portHolder, portIsFree } from './preflight';
import { launch, rssMb, runningPid, sleep, stop } from './processes';
import type { ServiceDefinition } from './service';
import { cassandra } from './services/cassandra';
import { checkJava } from './services/java';
import { kafka } from './services/kafka';
import { postgres } from './services/postgres';
import { redis } from './services/redis';
import { registry } from './services/registry';
import { s3 } from './services/s3';
import type { StackPaths } from './stack-paths';

export const SERVICES: ServiceDefinition[] = [postgres, redis, kafka, cassandra, registry, s3];

/** A problem a person can fix: printed without a stack trace, exits non-zero. */
export class StackError extends Error {}

export function selectServices(only: string[] | undefined): ServiceDefinition[] {
  if (!only || only.length === 0) return SERVICES;
  const unknown = only.filter((name) => !SERVICES.some((service) => service.name === name));
  if (unknown.length > 0) {
    throw new StackError(
      `unknown service ${unknown.join(', ')} (known: ${SERVICES.map((s) => s.name).join(', ')})`,
    );
  }
  return SERVICES.filter((service) => only.includes(service.name));
}

async function probeOnce(service: ServiceDefinition, config: StackConfig): Promise<boolean> {
  try {
    return await service.probe(config);
  } catch {
    return false;
  }
}

function failure(service: ServiceDefinition, paths: StackPaths, problem: string): StackError {
  const log = paths.log(service.name);
  return new StackError(
    `${service.name}: ${problem}\n--- last lines of ${log} ---\n${tailFile(log, 30)}\n--- end of ${log} ---`,
  );
}

async function preflight(
  services: ServiceDefinition[],
  config: StackConfig,
  paths: StackPaths,
): Promise<void> {
  const toStart = services.filter(
    (s) => !s.external(config) && runningPid(paths.pid(s.name)) === undefined,
  );
  if (toStart.some((s) => s.needsJava)) {
    checkJava(config);
    if (!commandExists('mvn'))
      throw new StackError('mvn not found: install Maven (apt-get install maven)');
  }
  for (const service of toStart) {
    for (const port of service.ports(config)) {
      if (!(await portIsFree(port))) {
        const holder = portHolder(port);
        throw new StackError(
          `${service.name}: port ${port} is already in use${holder ? ` by ${holder}` : ''}; stop it or choose another port (CHAT_*_PORT)`,
        );
      }
    }
  }
}

async function waitUntilHealthy(
  service: ServiceDefinition,
  config: StackConfig,
  paths: StackPaths,
  pid?: number,
) {
  const deadline = Date.now() + service.readyTimeoutMs;
  while (Date.now() < deadline) {
    if (await probeOnce(service, config)) return;
    if (pid !== undefined && runningPid(paths.pid(service.name)) === undefined) {
      throw failure(service, paths, `the process (pid ${pid}) exited during start`);
    }
    await sleep(500);
  }
  throw failure(service, paths, `not healthy after ${service.readyTimeoutMs / 1000} s`);
}

async function startOne(
  service: ServiceDefinition,
  config: StackConfig,
  paths: StackPaths,
  started: Map<string, Promise<void>>,
) {
  await Promise.all(service.after.map((name) => started.get(name)));
  if (service.external(config)) {
    await waitUntilHealthy(service, config, paths).catch(() => {
      throw new StackError(
        `${service.name}: the external server at ${service.address(config)} does not answer`,
      );
    });
    return;
  }
  const running = runningPid(paths.pid(service.name));
  if (running !== undefined) {
    await waitUntilHealthy(service, config, paths, running);
    return;
  }
  const began = Date.now();
  try {
    await service.install(config, paths);
  } catch (error) {
    throw new StackError(`${service.name}: install failed: ${(error as Error).message}`);
  }
  const spec = await service.prepare(config, paths).catch((error: Error) => {
    throw failure(service, paths, `could not prepare: ${error.message}`);
  });
  const pid = launch({
    ...spec,
    logFile: paths.log(service.name),
    pidFile: paths.pid(service.name),
  });
  await waitUntilHealthy(service, config, paths, pid);
  console.log(
    `${service.name}: healthy in ${((Date.now() - began) / 1000).toFixed(1)} s (pid ${pid})`,
  );
}

/** Starts what is not running, in dependency order, independent services in parallel. */
export async function up(
  services: ServiceDefinition[],
  config: StackConfig,
  paths: StackPaths,
): Promise<void> {
  await preflight(services, config, paths);
  const started = new Map<string, Promise<void>>();
  for (const service of services)
    started.set(service.name, startOne(service, config, paths, started));
  const results = await Promise.allSettled(started.values());
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export async function down(names: string[], paths: StackPaths): Promise<string[]> {
  const stopped: string[] = [];
  // Reverse start order: dependents first.
  for (const name of [...names].reverse()) {
    const signal = SERVICES.find((service) => service.name === name)?.stopSignal;
    if (await stop(paths.pid(name), undefined, signal)) stopped.push(name);
  }
  return stopped;
}

/**
 * Stops a service this stack started (found by its pid file) and starts it again on the same
 * data, waiting until it is healthy: a restart as a deploy or a failover does it, for tests of
 * the clients that must ride it out. Refuses a service the stack does not own (external, or
 * not started from these pid files), so it never stops someone else's server.
 */
export async function restart(
  service: ServiceDefinition,
  config: StackConfig,
  paths: StackPaths,
  options: { downMs?: number } = {},
): Promise<{ downMs: number }> {
  if (service.external(config)) {
    throw new StackError(
      `${service.name}: external (${service.address(config)}); not ours to restart`,
    );
  }
  if (runningPid(paths.pid(service.name)) === undefined) {
    throw new StackError(`${service.name}: not running from ${paths.pid(service.name)}`);
  }
  const began = Date.now();
  await stop(paths.pid(service.name), undefined, service.stopSignal);
  if (options.downMs) await sleep(options.downMs);
  await startOne(service, config, paths, new Map());
  return { downMs: Date.now() - began };
}

export interface ServiceStatus {
  name: string;
  state: 'running' | 'stopped' | 'external';
  healthy: boolean;
  pid?: number;
  rssMb?: number;
  address: string;
}

export async function status(config: StackConfig, paths: StackPaths): Promise<ServiceStatus[]> {
  return Promise.all(
    SERVICES.map(async (service) => {
      const pid = service.external(config) ? undefined : runningPid(paths.pid(service.name));
      const state = service.external(config) ? 'external' : pid ? 'running' : 'stopped';
      const healthy = state === 'stopped' ? false : await probeOnce(service, config);
      return {
        name: service.name,
        state,
        healthy,
        pid,
        rssMb: pid ? rssMb(pid) : undefined,
        address: service.address(config),
      };
    }),
  );
}
