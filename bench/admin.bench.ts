import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@chat/config';
import { TOPICS } from '@chat/events';
import { type ProjectionName, viewVersions } from '@chat/views';
import { rebuildProjection } from '../tools/admin/rebuild';
import { replay, replaySinks } from '../tools/admin/replay';
import { connectStores, PROJECTION_NAMES } from '../tools/admin/view-stores';
import { round } from './lib/stats';

/**
 * What the admin tools sustain on the log as it is:
 *  1. replay export of the whole conversations topic, to JSON Lines and to Arrow IPC;
 *  2. rebuild of each projection into a new version from offset 0 (not switched, then dropped).
 *
 * Usage: npm run bench:admin
 */
async function main() {
  const stores = await connectStores(loadConfig());
  const dir = mkdtempSync(join(tmpdir(), 'bench-admin-'));
  try {
    for (const format of ['jsonl', 'arrow'] as const) {
      const file = join(dir, `export.${format}`);
      const stats = await replay(
        stores,
        { topic: TOPICS.conversations },
        {},
        replaySinks(format === 'jsonl' ? { jsonl: file } : { arrow: file }),
      );
      console.log(
        `replay to ${format}: ${stats.read} events in ${round(stats.seconds)} s = ` +
          `${round(stats.read / stats.seconds, 0)} events/s (${round(statSync(file).size / 1048576)} MB)`,
      );
    }
    for (const projection of PROJECTION_NAMES as ProjectionName[]) {
      const result = await rebuildProjection(stores, projection, { switchReaders: false });
      const events = (await stores.ends(projection)).reduce((n, e) => n + Number(e.high), 0);
      console.log(
        `rebuild ${projection}: ${events} events in ${round(result.seconds)} s = ` +
          `${round(result.eventsPerSecond, 0)} events/s; ${result.differences.length} conversations differ`,
      );
      await viewVersions(projection, stores).drop(result.version);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stores.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
