import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@chat/config';
import { createCassandraClient, createPgPool } from '@chat/storage';
import {
  digestInbox,
  digestSearch,
  digestTimeline,
  PROJECTIONS,
  readerVersion,
  type ViewDigest,
} from '@chat/views';

const DIGESTIBLE = [PROJECTIONS.inbox, PROJECTIONS.timeline, PROJECTIONS.search] as const;
type Digestible = (typeof DIGESTIBLE)[number];

const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive integer');
  return n;
};

/**
 * `npm run digest -- timeline [--version 2] [--conversation id ...] [--per-conversation]`:
 * the deterministic digest of a view version, to compare versions built from the same log.
 */
const program = new Command('digest')
  .description('Print the deterministic digest of a projection version')
  .argument('<projection>', `one of: ${DIGESTIBLE.join(', ')}`, (value: string) => {
    if (!(DIGESTIBLE as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`unknown projection; one of: ${DIGESTIBLE.join(', ')}`);
    }
    return value as Digestible;
  })
  .option('-v, --version <n>', 'the version (default: the one readers use)', positiveInteger)
  .option('-c, --conversation <id...>', 'only these conversations')
  .option('-p, --per-conversation', 'print one line per conversation too')
  .action(
    async (
      projection: Digestible,
      options: { version?: number; conversation?: string[]; perConversation?: boolean },
    ) => {
      const config = loadConfig();
      const pool = createPgPool(config, { max: 2 });
      const cassandra = createCassandraClient(config);
      try {
        const version = options.version ?? (await readerVersion(pool, projection));
        if (version === undefined) throw new Error(`${projection} has no version yet`);
        const only = { conversationIds: options.conversation };
        const result: ViewDigest =
          projection === PROJECTIONS.inbox
            ? await digestInbox(pool, version, only)
            : projection === PROJECTIONS.search
              ? await digestSearch(pool, version, only)
              : await digestTimeline(cassandra, config.cassandra.keyspace, version, only);
        if (options.perConversation) {
          for (const [id, digest] of result.perConversation)
            process.stdout.write(`${digest}  ${id}\n`);
        }
        process.stdout.write(
          `${result.digest}  ${projection}_v${version} (${result.conversations} conversations)\n`,
        );
      } finally {
        await Promise.all([pool.end(), cassandra.shutdown()]);
      }
    },
  );

program.parseAsync().catch((error: unknown) => {
  console.error(`digest: ${(error as Error).message}`);
  process.exit(1);
});
