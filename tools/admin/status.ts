import { listParked, versionKey, viewVersions } from '@chat/views';
import { PROJECTION_NAMES, type Stores } from './view-stores';

export interface VersionStatus {
  projection: string;
  version: number;
  readers: boolean;
  /** Events applied (sum of next offsets over partitions). */
  position: bigint;
  lag: bigint;
  /** Conversations the version holds back because its store refused them. */
  parked: number;
  createdAt: Date;
}

/**
 * Every version of every projection: where it is, how far behind, how many conversations it
 * holds parked, which one readers use.
 */
export async function projectionStatus(stores: Stores): Promise<VersionStatus[]> {
  const { rows } = await stores.pool.query<{
    projection: string;
    version: number;
    created_at: Date;
  }>(
    `SELECT projection, version, created_at FROM projection_versions
     WHERE dropped_at IS NULL ORDER BY projection, version`,
  );
  const parked = await listParked(stores.pool);
  const statuses: VersionStatus[] = [];
  for (const projection of PROJECTION_NAMES) {
    const ends = await stores.ends(projection);
    const active = await viewVersions(projection, stores).active();
    for (const row of rows.filter((r) => r.projection === projection)) {
      statuses.push({
        projection,
        version: row.version,
        readers: row.version === active,
        position: await stores.applied(projection, row.version),
        lag: await stores.lag(projection, row.version, ends),
        parked: parked.filter((p) => p.projection === versionKey(projection, row.version)).length,
        createdAt: row.created_at,
      });
    }
  }
  return statuses;
}

export function formatStatus(statuses: VersionStatus[]): string {
  const header = ['projection', 'version', 'readers', 'position', 'lag', 'parked', 'created'];
  const rows = statuses.map((s) => [
    s.projection,
    `v${s.version}`,
    s.readers ? 'yes' : '',
    s.position.toString(),
    s.lag.toString(),
    String(s.parked),
    s.createdAt.toISOString(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
