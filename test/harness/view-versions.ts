import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';
import { TOPICS } from '@chat/events';
import { lagOf, positionsOf, PROJECTIONS, viewVersions } from '@chat/views';

/** Views whose versions tests build side by side and compare. */
export const VIEWS = [PROJECTIONS.inbox, PROJECTIONS.timeline] as const;
export type ViewVersions = Record<(typeof VIEWS)[number], number>;
export type Stores = { pool: Pool; cassandra: Client; keyspace: string };

/** Versions of their own: fresh tables and consumer groups, as a rebuild gets. */
export function freshVersions(): ViewVersions {
  const version = () => 200000 + Math.floor(Math.random() * 1000000);
  return { inbox: version(), timeline: version() };
}

/** Events of the conversations topic each view has yet to apply, up to `ends`. */
export async function lagsOf(
  stores: Stores,
  versions: ViewVersions,
  ends: ReadonlyArray<{ partition: number; high: string }>,
) {
  const lags = await Promise.all(
    VIEWS.map(async (view) =>
      lagOf(await positionsOf(stores, view, versions[view], TOPICS.conversations), ends),
    ),
  );
  return Object.fromEntries(VIEWS.map((view, i) => [view, lags[i]!])) as Record<
    (typeof VIEWS)[number],
    bigint
  >;
}

export async function dropVersions(stores: Stores, versions: ViewVersions): Promise<void> {
  for (const view of VIEWS) await viewVersions(view, stores).drop(versions[view]);
}
