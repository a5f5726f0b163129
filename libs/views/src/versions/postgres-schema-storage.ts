import { versionKey, type ProjectionName } from '../projection-names';
import { withVersionLock } from '../projection-versions';
import type { VersionStorage } from './version-storage';

/**
 * A view whose version is one Postgres schema of tables (the inbox, search, push), named by
 * the version key: made by running its DDL in order, removed with the schema and the
 * version's positions.
 */
export function postgresSchemaStorage(
  projection: ProjectionName,
  ddlOf: (schema: string) => string[],
): VersionStorage {
  return {
    // Under the version lock: two processes creating one schema at once collide in the catalog.
    create: ({ pool }, version) =>
      withVersionLock(pool, async (transaction) => {
        for (const statement of ddlOf(versionKey(projection, version))) {
          await transaction.query(statement);
        }
      }),
    async remove({ pool }, version) {
      const key = versionKey(projection, version);
      await pool.query(`DROP SCHEMA IF EXISTS ${key} CASCADE`);
      await pool.query('DELETE FROM projection_positions WHERE projection = $1', [key]);
    },
  };
}
