import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { inboxSchemaOf } from './inbox/inbox-tables';
import { searchSchemaOf } from './search/search-tables';
import { pushSchemaOf } from './push/push-tables';
import { forgetParked } from './parked-conversations';
import { PROJECTIONS, versionKey, type ProjectionName } from './projection-names';
import { readerVersion, withVersionLock } from './projection-versions';
import { presenceKeysOf } from './presence/presence-keys';
import { timelineTablesOf } from './timeline/timeline-tables';

export interface ViewStores {
  pool: Pool;
  cassandra: Client;
  keyspace: string;
  redis?: Redis;
}

/**
 * Removes a projection version: its tables (or keys) and positions; its registry row stays,
 * marked dropped, so the number is never used again. The version
 * readers use is refused: switch readers first. Projectors running it stop when they see it
 * gone from the registry.
 */
export async function dropProjectionVersion(
  stores: ViewStores,
  projection: ProjectionName,
  version: number,
): Promise<void> {
  const { pool, cassandra, keyspace, redis } = stores;
  await withVersionLock(pool, async (client) => {
    if ((await readerVersion(client, projection)) === version) {
      throw new Error(`${versionKey(projection, version)} is what readers use: switch them first`);
    }
    await client.query(
      `UPDATE projection_versions SET dropped_at = now()
       WHERE projection = $1 AND version = $2 AND dropped_at IS NULL`,
      [projection, version],
    );
  });
  const key = versionKey(projection, version);
  await forgetParked(pool, key);
  if (
    projection === PROJECTIONS.inbox ||
    projection === PROJECTIONS.search ||
    projection === PROJECTIONS.push
  ) {
    // The push ledger is not the version's: it stays, so no later version pushes again.
    const schema = { inbox: inboxSchemaOf, search: searchSchemaOf, push: pushSchemaOf }[projection](
      version,
    );
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.query('DELETE FROM projection_positions WHERE projection = $1', [key]);
  } else if (projection === PROJECTIONS.timeline) {
    const tables = timelineTablesOf(keyspace, version);
    for (const table of [
      tables.items,
      tables.messages,
      tables.conversations,
      tables.ignored,
      tables.changes,
      tables.memberSpans,
      tables.userSpans,
    ]) {
      await cassandra.execute(`DROP TABLE IF EXISTS ${table}`);
    }
    await cassandra.execute(
      `DELETE FROM ${keyspace}.projection_positions WHERE projection = ?`,
      [key],
      { prepare: true },
    );
  } else if (redis) {
    const prefix = presenceKeysOf(version).prefix;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
