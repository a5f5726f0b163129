import type { Pool } from 'pg';
import { PROJECTIONS, type ProjectionName } from '../projection-names';
import { readerVersion } from '../projection-versions';

/**
 * The versions readers use, asked of Postgres at most once per `ttlMs`: a switch after a
 * rebuild reaches every reader within that time, and a busy gateway does not ask per read.
 * (The inbox needs no lookup: its reader views are repointed in the switch's transaction.)
 */
export class ReaderVersions {
  private cached = new Map<ProjectionName, { version: number; until: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly ttlMs = 1000,
  ) {}

  async of(
    projection:
      typeof PROJECTIONS.timeline | typeof PROJECTIONS.presence | typeof PROJECTIONS.search,
  ): Promise<number> {
    const hit = this.cached.get(projection);
    if (hit && hit.until > Date.now()) return hit.version;
    const version = (await readerVersion(this.pool, projection)) ?? 1;
    this.cached.set(projection, { version, until: Date.now() + this.ttlMs });
    return version;
  }
}
