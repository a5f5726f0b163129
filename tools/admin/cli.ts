import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@chat/config';
import { dropProjectionVersion, PROJECTIONS, type ProjectionName } from '@chat/views';
import { etaOf, progressLine } from './progress';
import { rebuildProjection } from './rebuild';
import { formatStatus, projectionStatus } from './status';
import { connectStores, PROJECTION_NAMES, type Stores } from './view-stores';

const projectionArgument = (value: string): ProjectionName => {
  if (!(PROJECTION_NAMES as string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown projection; one of: ${PROJECTION_NAMES.join(', ')}`);
  }
  return value as ProjectionName;
};

const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive integer');
  return n;
};

/** Runs `work` with connections to every service, closing them whatever happens. */
async function withStores<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = await connectStores(loadConfig());
  try {
    return await work(stores);
  } finally {
    await stores.close();
  }
}

export const program = new Command('chat-admin')
  .description(
    'Operate the chat backend: replay the event log, rebuild projections, see their status',
  )
  .showHelpAfterError();

program
  .command('status')
  .description('every projection version: position, lag, and which one readers use')
  .action(() =>
    withStores(async (stores) => console.log(formatStatus(await projectionStatus(stores)))),
  );

program
  .command('rebuild')
  .description(
    'build a new version of a projection beside the live one from offset 0, verify it against ' +
      'the live one per conversation, then switch readers to it atomically; resumable',
  )
  .argument('<projection>', `one of: ${PROJECTION_NAMES.join(', ')}`, projectionArgument)
  .option(
    '--version <n>',
    'build or resume this version (default: resume an unfinished one, else the next)',
    positiveInteger,
  )
  .option('--no-switch', 'build and verify, but leave readers where they are')
  .option(
    '--accept-differences',
    'switch even if conversations differ from the live version (after a bug fix)',
  )
  .action(
    (
      projection: ProjectionName,
      options: { version?: number; switch: boolean; acceptDifferences?: boolean },
    ) =>
      withStores(async (stores) => {
        const progress = progressLine();
        const interrupt = new AbortController();
        process.once('SIGINT', () => interrupt.abort());
        const result = await rebuildProjection(stores, projection, {
          version: options.version,
          switchReaders: options.switch,
          acceptDifferences: options.acceptDifferences,
          signal: interrupt.signal,
          onProgress: (p) =>
            progress.update(
              `${projection}_v${p.version}: ${p.applied}/${p.total} events, ${Math.round(p.eventsPerSecond)} events/s, ` +
                `lag ${p.lag}, ETA ${etaOf(Number(p.lag), p.eventsPerSecond)}`,
            ),
        });
        progress.done();
        const name = `${projection}_v${result.version}`;
        console.log(
          `${name}: caught up in ${result.seconds.toFixed(1)} s (${Math.round(result.eventsPerSecond)} events/s)`,
        );
        if (result.differences.length > 0) {
          console.log(
            `${result.differences.length} conversations differ from ${projection}_v${result.previous}: ${result.differences.slice(0, 10).join(', ')}`,
          );
        } else if (result.previous !== undefined && projection !== PROJECTIONS.presence) {
          console.log(
            `verified: every conversation's digest equals ${projection}_v${result.previous}'s`,
          );
        }
        if (result.switched)
          console.log(
            `readers now use ${name}; ${projection}_v${result.previous} stays until dropped`,
          );
        else {
          console.log(`readers still use ${projection}_v${result.previous}`);
          if (result.differences.length > 0 && options.switch) process.exitCode = 2;
        }
      }),
  );

program
  .command('drop')
  .description(
    'remove a projection version that readers no longer use: its tables, keys and positions',
  )
  .argument('<projection>', `one of: ${PROJECTION_NAMES.join(', ')}`, projectionArgument)
  .argument('<version>', 'the version number', positiveInteger)
  .action((projection: ProjectionName, version: number) =>
    withStores(async (stores) => {
      await dropProjectionVersion(stores, projection, version);
      console.log(`dropped ${projection}_v${version}`);
    }),
  );

if (require.main === module) {
  program.parseAsync().catch((error: unknown) => {
    console.error(`chat-admin: ${(error as Error).message}`);
    process.exit(1);
  });
}
