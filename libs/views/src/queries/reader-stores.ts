import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { InboxReadStore } from '../inbox/inbox-read-store';
import { inboxSchemaOf } from '../inbox/inbox-tables';
import { PresenceAudience } from '../presence/presence-audience';
import { presenceKeysOf } from '../presence/presence-keys';
import { PresenceStore } from '../presence/presence-store';
import { PROJECTIONS } from '../projection-names';
import { SearchStore } from '../search/search-store';
import { searchSchemaOf } from '../search/search-tables';
import { ChangeLog } from '../timeline/change-log';
import { timelineTablesOf } from '../timeline/timeline-tables';
import { ActiveStore } from '../versions/active-store';
import { ReaderVersions } from '../versions/reader-versions';

/**
 * The stores clients read, each of the version readers use (one lookup for every view, see
 * ReaderVersions) and built once per version.
 */
export class ReaderStores {
  readonly inbox: ActiveStore<InboxReadStore>;
  /** Who may see whose presence: a rule over the inbox's memberships. */
  readonly audience: ActiveStore<PresenceAudience>;
  readonly timeline: ActiveStore<ChangeLog>;
  readonly search: ActiveStore<SearchStore>;
  readonly presence: ActiveStore<PresenceStore>;

  constructor(deps: {
    pool: Pool;
    cassandra: Client;
    keyspace: string;
    redis: Redis;
    versionsTtlMs?: number;
  }) {
    const { pool, cassandra, keyspace, redis } = deps;
    const versions = new ReaderVersions(pool, deps.versionsTtlMs);
    this.inbox = new ActiveStore(
      versions,
      PROJECTIONS.inbox,
      (version) => new InboxReadStore(pool, inboxSchemaOf(version)),
    );
    this.audience = new ActiveStore(
      versions,
      PROJECTIONS.inbox,
      (version) => new PresenceAudience(pool, inboxSchemaOf(version)),
    );
    this.timeline = new ActiveStore(
      versions,
      PROJECTIONS.timeline,
      (version) => new ChangeLog(cassandra, timelineTablesOf(keyspace, version)),
    );
    this.search = new ActiveStore(
      versions,
      PROJECTIONS.search,
      (version) => new SearchStore(pool, searchSchemaOf(version)),
    );
    this.presence = new ActiveStore(
      versions,
      PROJECTIONS.presence,
      (version) => new PresenceStore(redis, presenceKeysOf(version)),
    );
  }
}
