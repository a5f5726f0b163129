import type { Pool, PoolClient } from 'pg';
import type { ProjectionName } from '../projection-names';
import { readerVersion } from '../projection-versions';

/**
 * How long a reader goes on with the version it looked up: a switch reaches every reader
 * within it, and a version is dropped no sooner after a switch (see ViewVersions.drop).
 */
export const READER_VERSION_TTL_MS = 1000;

/**
 * The versions readers use, for every view the same way: the registry's readers row, asked of
 * Postgres at most once per `ttlMs` per view, so a busy gateway does not ask per read.
 *
 * One lookup rather than names repointed at the active version: Postgres views could be
 * repointed in the switch's transaction, but Cassandra tables and Redis keys have no alias to
 * repoint, and two mechanisms meant two ways for a reader to be on the wrong version.
 */
export class ReaderVersions {
  private cached = new Map<ProjectionName, { version: number; until: number }>();

  constructor(
    private readonly db: Pick<Pool | PoolClient, 'query'>,
    private readonly ttlMs = READER_VERSION_TTL_MS,
  ) {}

  /** The active version; 1 before any activation (what the first start activates). */
  async of(projection: ProjectionName): Promise<number> {
    const hit = this.cached.get(projection);
    if (hit && hit.until > Date.now()) return hit.version;
    const version = (await readerVersion(this.db, projection)) ?? 1;
    this.cached.set(projection, { version, until: Date.now() + this.ttlMs });
    return version;
  }
}
