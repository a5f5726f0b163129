import type { Config } from '@chat/config';
import { PROJECTIONS, readerVersion, type ProjectionName } from '@chat/views';
import { connectStores } from '../../tools/admin/view-stores';

/** The views kept from the conversations topic, whose lag a send rate makes. */
const VIEWS: ProjectionName[] = [
  PROJECTIONS.inbox,
  PROJECTIONS.search,
  PROJECTIONS.push,
  PROJECTIONS.timeline,
];
const INTERVAL_MS = 250;

/**
 * Samples how far each view (the readers' version) is behind the end of the log while a rate
 * runs, and keeps the largest lag seen per view, in events. The log's end is read before the
 * positions, so a sample never understates the lag.
 */
export async function viewLagSampler(config: Config) {
  const stores = await connectStores(config);
  const versions = new Map<ProjectionName, number>();
  for (const view of VIEWS) {
    const version = await readerVersion(stores.pool, view);
    if (version !== undefined) versions.set(view, version);
  }
  let largest = new Map<ProjectionName, number>();
  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> = Promise.resolve();

  async function sample() {
    const ends = await stores.ends(PROJECTIONS.inbox);
    for (const [view, version] of versions) {
      const lag = Number(await stores.lag(view, version, ends));
      largest.set(view, Math.max(largest.get(view) ?? 0, lag));
    }
  }

  return {
    start() {
      largest = new Map();
      timer = setInterval(() => {
        sampling = sampling.then(sample).catch(() => undefined);
      }, INTERVAL_MS);
    },
    /** The largest lag of each view since start, in events. */
    async stop(): Promise<Map<ProjectionName, number>> {
      clearInterval(timer);
      await sampling;
      return largest;
    },
    close: () => stores.close(),
  };
}
