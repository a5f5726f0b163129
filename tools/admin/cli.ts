import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@chat/config';
import { type ProjectionName, PROJECTIONS, viewVersions } from '@chat/views';
import { EVENT_TYPES, TOPICS, type EventType } from '@chat/events';
import { etaOf, progressLine } from './progress';
import { rebuildProjection } from './rebuild';
import { replay, replaySinks } from './replay';
import { listParked } from '@chat/views';
import { formatParked, unparkConversations } from './parked';
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
  .description(
    'every projection version: position, lag, parked conversations, and which one readers use; ' +
      'then every parked conversation with where it is held since and why',
  )
  .action(() =>
    withStores(async (stores) => {
      console.log(formatStatus(await projectionStatus(stores)));
      console.log(formatParked(await listParked(stores.pool)));
    }),
  );

program
  .command('unpark')
  .description(
    'resume parked conversations of a projection (all, or the given ones): the projector owning ' +
      'each partition applies their held events in order and unparks them, or, refused again, ' +
      'keeps them parked with the new reason (projectors also resume every park when they start)',
  )
  .argument('<projection>', `one of: ${PROJECTION_NAMES.join(', ')}`, projectionArgument)
  .argument('[conversationId...]', 'only these conversations (user ids for presence)')
  .option('--version <n>', 'of this version (default: the one readers use)', positiveInteger)
  .option('--wait <seconds>', 'how long to wait for the outcome', positiveInteger, 30)
  .action(
    (
      projection: ProjectionName,
      conversationIds: string[],
      options: { version?: number; wait: number },
    ) =>
      withStores(async (stores) => {
        const result = await unparkConversations(stores, projection, {
          version: options.version,
          conversationIds,
          waitMs: options.wait * 1000,
        });
        if (result.requested.length === 0) {
          console.log('nothing parked to resume');
          return;
        }
        console.log(`resumed ${result.resumed.length} of ${result.requested.length}`);
        if (result.refused.length > 0) {
          console.log(`refused again, still parked:\n${formatParked(result.refused)}`);
          process.exitCode = 2;
        }
        const pending = result.requested.length - result.resumed.length - result.refused.length;
        if (pending > 0) {
          console.log(`${pending} not tried yet: is a projector running this version?`);
          process.exitCode = 3;
        }
      }),
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
        // A parked conversation differs from the log until it resumes: say why it differs.
        const parked = await listParked(stores.pool, name);
        if (parked.length > 0) console.log(formatParked(parked));
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

const timeArgument = (value: string) => {
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time))
    throw new InvalidArgumentError('an ISO 8601 time or epoch milliseconds');
  return time;
};

/** `2:150` (partition 2, offset 150), repeatable. */
const offsetArgument = (value: string, previous: Map<number, string> = new Map()) => {
  const match = /^(\d+):(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('partition:offset, e.g. 0:1200');
  return new Map(previous).set(Number(match[1]), match[2]!);
};

const eventTypeArgument = (value: string, previous: EventType[] = []) => {
  if (!(EVENT_TYPES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown event type; one of: ${EVENT_TYPES.join(', ')}`);
  }
  return [...previous, value as EventType];
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

program
  .command('replay')
  .description(
    'read the event log by time or offsets, decode every schema version through the registry, ' +
      'filter, and write JSON Lines and/or an Arrow IPC file',
  )
  .option('--topic <name>', `conversations or presence`, 'conversations')
  .option('--from <time>', 'from this time (ISO 8601 or epoch ms), inclusive', timeArgument)
  .option('--to <time>', 'up to this time, exclusive', timeArgument)
  .option(
    '--from-offset <partition:offset>',
    'from this offset of a partition (repeatable)',
    offsetArgument,
  )
  .option(
    '--to-offset <partition:offset>',
    'up to this offset, exclusive (repeatable)',
    offsetArgument,
  )
  .option('--type <EventType>', 'only this event type (repeatable)', eventTypeArgument)
  .option('--conversation <id>', 'only this conversation (repeatable)', collect)
  .option('--user <id>', 'only events by or about this user (repeatable)', collect)
  .option('-o, --out <file>', 'JSON Lines to this file (default: stdout, unless --arrow is given)')
  .option('--arrow <file>', 'also write an Arrow IPC file (loads in pandas, polars, DuckDB)')
  .action(
    (options: {
      topic: string;
      from?: number;
      to?: number;
      fromOffset?: Map<number, string>;
      toOffset?: Map<number, string>;
      type?: EventType[];
      conversation?: string[];
      user?: string[];
      out?: string;
      arrow?: string;
    }) => {
      const topic = TOPICS[options.topic as 'conversations' | 'presence'];
      if (!topic || options.topic === 'deadLetters') {
        throw new InvalidArgumentError(`unknown topic ${options.topic}; conversations or presence`);
      }
      return withStores(async (stores) => {
        const progress = progressLine();
        const started = performance.now();
        const stats = await replay(
          stores,
          {
            topic,
            fromTime: options.from,
            toTime: options.to,
            fromOffsets: options.fromOffset,
            toOffsets: options.toOffset,
          },
          { types: options.type, conversationIds: options.conversation, userIds: options.user },
          replaySinks({
            jsonl: options.out ?? (options.arrow ? undefined : '-'),
            arrow: options.arrow,
          }),
          {
            onProgress: (read, total) => {
              const perSecond = read / ((performance.now() - started) / 1000);
              progress.update(
                `replay: ${read}/${total} events, ${Math.round(perSecond)} events/s, ETA ${etaOf(total - read, perSecond)}`,
              );
            },
          },
        );
        progress.done();
        process.stderr.write(
          `replay: read ${stats.read} events in ${stats.seconds.toFixed(1)} s (${Math.round(stats.read / Math.max(stats.seconds, 0.001))} events/s), ` +
            `wrote ${stats.written}${stats.unreadable ? `, ${stats.unreadable} unreadable` : ''}\n`,
        );
      });
    },
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
      await viewVersions(projection, stores).drop(version);
      console.log(`dropped ${projection}_v${version}`);
    }),
  );

/**
 * Runs the CLI and exits when the command is done: the registry client keeps idle HTTP
 * connections open, and a finished command must not wait for them.
 */
export function main(argv = process.argv): void {
  program.parseAsync(argv).then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      console.error(`chat-admin: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();
