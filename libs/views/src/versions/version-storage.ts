import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';

/**
 * The stores views live in. The registry of versions is always in Postgres; Cassandra is
 * needed by the timeline's versions and Redis by dropping presence's.
 */
export interface ViewStores {
  pool: Pool;
  cassandra?: Client;
  keyspace?: string;
  redis?: Redis;
}

/**
 * What differs between views in the life of a version: where its rows live. Everything else
 * (registering, pointing readers, refusing to drop the active one) is the same for every view
 * and lives in `viewVersions`.
 */
export interface VersionStorage {
  /**
   * Makes the version's tables or keys, idempotently (columns added since reach older
   * versions), before the version is registered: projectors start a registered version, so
   * its tables must be there by then.
   */
  create(stores: ViewStores, version: number): Promise<void>;
  /** Removes the version's tables or keys and its positions. */
  remove(stores: ViewStores, version: number): Promise<void>;
}

/** The Cassandra client and keyspace, or why a view that needs them cannot go on. */
export function cassandraOf(stores: ViewStores): { cassandra: Client; keyspace: string } {
  const { cassandra, keyspace } = stores;
  if (!cassandra || keyspace === undefined) {
    throw new Error('the timeline keeps its versions in Cassandra: pass cassandra and keyspace');
  }
  return { cassandra, keyspace };
}
