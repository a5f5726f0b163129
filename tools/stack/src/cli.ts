import { Command } from 'commander';
import { ConfigError } from '@chat/config';
import { appReady, startApps, APPS, LOCAL_APP_ENV } from './apps';
import { rssMb, runningPid } from './processes';
import { bootstrap } from './bootstrap';
import { ensurePythonTool } from './installers';
import { tailFile } from './log-tail';
import { SERVICES, StackError, down, selectServices, status, up } from './stack';
import { loadStackConfigWith, type StackConfig } from './stack-config';
import { stackPaths, type StackPaths } from './stack-paths';
import { runJest } from './test-runner';
import { testStackEnv, useTestStack } from './test-stack';
import { rmSync } from 'node:fs';

/**
 * The local stack's own configuration: a local environment, as it gives its apps, so the
 * public development secrets load (see CHAT_ENVIRONMENT).
 */
const loadConfig = (): StackConfig =>
  loadStackConfigWith({ CHAT_ENVIRONMENT: LOCAL_APP_ENV.CHAT_ENVIRONMENT });

const program = new Command('stack').description(
  "Runs the chat backend's services (Kafka, schema registry, Cassandra, Postgres, Redis, S3) as local processes",
);

async function upCommand(options: { apps?: boolean; only?: string }) {
  const config = loadConfig();
  console.warn(
    'stack: a local environment (CHAT_ENVIRONMENT=local): the public development secret and token minting are on; never expose it',
  );
  const paths = stackPaths(config);
  const began = Date.now();
  const services = selectServices(options.only?.split(','));
  await up(services, config, paths);
  if (!options.only) {
    await bootstrap(config);
    // The command API's contract test fuzzes it with schemathesis (PyPI, pinned).
    ensurePythonTool(paths.root);
  }
  if (options.apps) await startApps(config, paths);
  console.log(`stack up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  await printStatus();
}

async function printStatus(): Promise<boolean> {
  const config = loadConfig();
  const rows = await status(config, stackPaths(config));
  for (const row of rows) {
    const health = row.state === 'stopped' ? '-' : row.healthy ? 'healthy' : 'UNHEALTHY';
    const memory = row.rssMb !== undefined ? `${row.rssMb} MB` : '';
    console.log(
      `${row.name.padEnd(12)} ${row.state.padEnd(9)} ${health.padEnd(10)} ${String(row.pid ?? '').padEnd(8)} ${memory.padEnd(8)} ${row.address}`,
    );
  }
  for (const app of APPS) {
    const pid = runningPid(stackPaths(config).pid(app.name));
    if (pid === undefined) continue;
    const ready = await appReady(app.port(config));
    console.log(
      `${app.name.padEnd(12)} ${'running'.padEnd(9)} ${(ready ? 'ready' : 'NOT READY').padEnd(10)} ${String(pid).padEnd(8)} ${`${rssMb(pid) ?? '?'} MB`.padEnd(8)} http://127.0.0.1:${app.port(config)}`,
    );
  }
  return rows.every((row) => row.healthy);
}

program
  .command('up')
  .description(
    'install what is missing, start every service, wait until healthy, create topics, schemas and tables',
  )
  .option('--apps', 'also build and start command-api, projectors and gateway')
  .option('--only <services>', `comma-separated subset of ${SERVICES.map((s) => s.name).join(',')}`)
  .action(upCommand);

/** The configured stack and its test stack (`npm test`'s): `down` and `reset` mean both. */
function everyStack(): StackPaths[] {
  const config = loadConfig();
  return [stackPaths(config), stackPaths(loadStackConfigWith(testStackEnv(config.stack.dir)))];
}

const EVERY_PROCESS = [...SERVICES.map((s) => s.name), ...APPS.map((a) => a.name)];

program
  .command('down')
  .description(
    'stop the apps and services this stack and the test stack started (by their pid files), nothing else',
  )
  .action(async () => {
    for (const paths of everyStack()) {
      const stopped = await down(EVERY_PROCESS, paths);
      console.log(
        `${paths.root}: ${stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running'}`,
      );
    }
  });

program
  .command('env')
  .description(
    'print the test stack\'s variables as shell exports, for tools run against it (eval "$(stack env)")',
  )
  .action(() => {
    for (const [name, value] of Object.entries(testStackEnv(loadConfig().stack.dir))) {
      console.log(`export ${name}=${JSON.stringify(value)}`);
    }
  });

program
  .command('status')
  .description(
    'show each service: state, health, pid, memory, address; exit 1 if any is not healthy',
  )
  .action(async () => {
    process.exitCode = (await printStatus()) ? 0 : 1;
  });

program
  .command('logs')
  .description("print the end of a service's log")
  .argument('[service]', 'postgres, redis, kafka, cassandra, registry or an app', 'kafka')
  .option('-n, --lines <n>', 'how many lines', '50')
  .action((service: string, options: { lines: string }) => {
    const paths = stackPaths(loadConfig());
    console.log(
      `==> ${paths.log(service)} <==\n${tailFile(paths.log(service), Number(options.lines))}`,
    );
  });

program
  .command('reset')
  .description('stop everything and delete all data and logs (downloaded jars are kept)')
  .action(async () => {
    for (const paths of everyStack()) {
      await down(EVERY_PROCESS, paths);
      for (const dir of ['data', 'conf', 'logs', 'run'])
        rmSync(`${paths.root}/${dir}`, { recursive: true, force: true });
      console.log(`reset ${paths.root}`);
    }
  });

program
  .command('test')
  .description(
    'bring the test stack (its own folder and ports) up if needed, then run every test tier with jest',
  )
  .allowUnknownOption()
  .argument('[jestArgs...]', 'passed to jest')
  .action(async (jestArgs: string[]) => {
    useTestStack();
    await upCommand({});
    process.exitCode = runJest(jestArgs);
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof StackError || error instanceof ConfigError) {
    console.error(`stack: ${error.message}`);
  } else {
    console.error(`stack: ${(error as Error).stack ?? String(error)}`);
  }
  process.exit(1);
});
