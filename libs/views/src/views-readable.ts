import { PROJECTIONS, type ProjectionName } from './projection-names';
import type { ViewStores } from './versions/version-storage';
import { viewVersions } from './versions/view-versions';

/**
 * Makes every projection readable: on a fresh system, version 1 of each exists (empty) and
 * readers use it; later calls change nothing. The command API and the gateway may serve reads
 * before any projector has started, and a view they query must then answer empty, not fail.
 */
export async function ensureViewsReadable(
  stores: ViewStores & Required<Pick<ViewStores, 'cassandra' | 'keyspace'>>,
): Promise<Record<ProjectionName, number>> {
  const versions = {} as Record<ProjectionName, number>;
  // One after another: each takes the version lock, so at once they would only queue there.
  for (const projection of Object.values(PROJECTIONS)) {
    versions[projection] = await viewVersions(projection, stores).ensureReadable();
  }
  return versions;
}
