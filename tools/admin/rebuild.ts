import {
  digestInbox,
  digestSearch,
  digestTimeline,
  type ProjectionName,
  PROJECTIONS,
  versionKey,
  type ViewDigest,
  viewVersions,
} from '@chat/views';
import { startProjections } from '../../apps/projectors/src/start-projections';
import type { Stores } from './view-stores';

export interface RebuildProgress {
  version: number;
  applied: bigint;
  total: bigint;
  lag: bigint;
  eventsPerSecond: number;
}

export interface RebuildOptions {
  /** A version to build or resume; default: resume the newest unswitched one, else a new one. */
  version?: number;
  /** Point readers at the new version once it is verified (default true). */
  switchReaders?: boolean;
  /** Switch even if conversations differ from the live version (a rebuild after a bug fix). */
  acceptDifferences?: boolean;
  onProgress?: (progress: RebuildProgress) => void;
  /** Stops the rebuild early (an interrupt); run it again to resume. */
  signal?: AbortSignal;
  pollMs?: number;
  /**
   * How long verification may wait for both versions to reach the same log end before a
   * difference counts as real (default 60 s). Under steady traffic the live version can be
   * seconds behind (a rebalance, a loaded machine): comparing it early would blame the rebuild.
   */
  verifyTimeoutMs?: number;
}

export interface RebuildResult {
  projection: ProjectionName;
  version: number;
  previous: number | undefined;
  switched: boolean;
  /** Conversations whose digest differs from the version readers used. */
  differences: string[];
  eventsPerSecond: number;
  seconds: number;
}

/** Which version to build: the one asked for, an unfinished one, or the next number. */
async function chooseVersion(stores: Stores, projection: ProjectionName, requested?: number) {
  if (requested !== undefined) return requested;
  const current = await viewVersions(projection, stores).active();
  const { rows } = await stores.pool.query<{ live: number | null; ever: number | null }>(
    `SELECT max(version) FILTER (WHERE dropped_at IS NULL) AS live, max(version) AS ever
     FROM projection_versions WHERE projection = $1`,
    [projection],
  );
  const live = rows[0]?.live ?? 0;
  // A version newer than the readers' is a rebuild that was interrupted: resume it. Otherwise
  // a number never used before, dropped ones included.
  return live > (current ?? 0) ? live : (rows[0]?.ever ?? 0) + 1;
}

async function digestOf(
  stores: Stores,
  projection: ProjectionName,
  version: number,
): Promise<ViewDigest | undefined> {
  if (projection === PROJECTIONS.inbox) return digestInbox(stores.pool, version);
  if (projection === PROJECTIONS.search) return digestSearch(stores.pool, version);
  if (projection === PROJECTIONS.timeline)
    return digestTimeline(stores.cassandra, stores.keyspace, version);
  // Presence is a function of time and push a queue of work: positions are their proof.
  return undefined;
}

/** Conversations whose digests differ between two versions. */
function differing(a: ViewDigest, b: ViewDigest): string[] {
  const ids = new Set([...a.perConversation.keys(), ...b.perConversation.keys()]);
  return [...ids].filter((id) => a.perConversation.get(id) !== b.perConversation.get(id)).sort();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds a projection version beside the live one, from offset 0, in fresh tables with a
 * fresh consumer group; waits until it has caught up with the log (live traffic included);
 * verifies it against the live version per conversation (differences that persist after the
 * live one caught up too are real); then points readers at it in one transaction. The old
 * version stays until dropped. Interrupted, it resumes where its positions are.
 */
export async function rebuildProjection(
  stores: Stores,
  projection: ProjectionName,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const pollMs = options.pollMs ?? 500;
  const versions = viewVersions(projection, stores);
  const previous = await versions.active();
  const version = await chooseVersion(stores, projection, options.version);
  if (version === previous)
    throw new Error(`${versionKey(projection, version)} is what readers already use`);
  await versions.create(version);
  const running = await startProjections(stores.config, {
    only: [projection],
    versions: { [projection]: version },
    logger: stores.logger,
  });
  const started = Date.now();
  const startPosition = await stores.applied(projection, version);
  let result: RebuildResult | undefined;
  try {
    // 1. Catch up with the log as it grows.
    for (;;) {
      if (options.signal?.aborted) throw new Error('interrupted: run again to resume');
      const ends = await stores.ends(projection);
      const applied = await stores.applied(projection, version);
      const total = ends.reduce((s, e) => s + BigInt(e.high), 0n);
      const lag = await stores.lag(projection, version, ends);
      const seconds = (Date.now() - started) / 1000;
      const eventsPerSecond = seconds > 0 ? Number(applied - startPosition) / seconds : 0;
      options.onProgress?.({ version, applied, total, lag, eventsPerSecond });
      if (lag === 0n) break;
      await sleep(pollMs);
    }
    const seconds = (Date.now() - started) / 1000;
    const applied = await stores.applied(projection, version);
    const eventsPerSecond = Number(applied - startPosition) / Math.max(seconds, 0.001);

    // 2. Verify against the live version. A comparison counts only once both versions have
    // applied the log up to one end read before it; traffic moving on meanwhile makes a
    // difference that the next comparison resolves, a real one persists until the deadline.
    let differences: string[] = [];
    if (previous !== undefined) {
      const deadline = Date.now() + (options.verifyTimeoutMs ?? 60000);
      const compare = async () => {
        const [fresh, live] = await Promise.all([
          digestOf(stores, projection, version),
          digestOf(stores, projection, previous),
        ]);
        return fresh && live ? differing(fresh, live) : [];
      };
      let levelAt: string | undefined;
      for (;;) {
        if (options.signal?.aborted) throw new Error('interrupted: run again to resume');
        const last = Date.now() >= deadline;
        const ends = await stores.ends(projection);
        const [freshLag, liveLag] = await Promise.all([
          stores.lag(projection, version, ends),
          stores.lag(projection, previous, ends),
        ]);
        const level = freshLag === 0n && liveLag === 0n;
        // Past the deadline it compares whatever it has: never a switch without a comparison.
        if (level || last) differences = await compare();
        if (differences.length === 0 && level) break;
        // Different twice at the same log end, with no traffic in between: the difference is real.
        const at = JSON.stringify(ends);
        if (last || (level && levelAt === at)) break;
        if (level) levelAt = at;
        await sleep(pollMs);
      }
    }
    const canSwitch = differences.length === 0 || options.acceptDifferences === true;
    // 3. Switch readers: the registry's readers row, which every reader looks up.
    const switched = (options.switchReaders ?? true) && canSwitch;
    if (switched) await versions.activate(version);
    result = { projection, version, previous, switched, differences, eventsPerSecond, seconds };
  } finally {
    await running.stop();
  }
  return result;
}
