import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';
import { ensureInboxReadable } from './inbox/inbox-tables';
import { ensurePresenceReadable } from './presence/presence-keys';
import type { ProjectionName } from './projection-names';
import { ensurePushReadable } from './push/push-tables';
import { ensureSearchReadable } from './search/search-tables';
import { ensureTimelineReadable } from './timeline/timeline-tables';

/**
 * Makes every projection readable: on a fresh system, version 1 of each exists (empty) and
 * readers use it; later calls change nothing. The command API and the gateway may serve reads
 * before any projector has started, and a view they query must then answer empty, not fail.
 * Keyed by every projection name, so a new projection cannot be left out.
 */
export async function ensureViewsReadable(stores: {
  pool: Pool;
  cassandra: Client;
  keyspace: string;
}): Promise<Record<ProjectionName, number>> {
  const { pool, cassandra, keyspace } = stores;
  const readable: Record<ProjectionName, () => Promise<number>> = {
    inbox: () => ensureInboxReadable(pool),
    timeline: () => ensureTimelineReadable(cassandra, pool, keyspace),
    presence: () => ensurePresenceReadable(pool),
    search: () => ensureSearchReadable(pool),
    push: () => ensurePushReadable(pool),
  };
  const versions = {} as Record<ProjectionName, number>;
  // One after another: each takes the version lock, so at once they would only queue there.
  for (const [projection, ensure] of Object.entries(readable)) {
    versions[projection as ProjectionName] = await ensure();
  }
  return versions;
}
