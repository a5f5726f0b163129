import { versionKey, type ProjectionName } from '../projection-names';
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
    async create(_stores, version, transaction) {
      for (const statement of ddlOf(versionKey(projection, version))) {
        await transaction.query(statement);
      }
    },
    async remove({ pool }, version) {
      const key = versionKey(projection, version);
      await pool.query(`DROP SCHEMA IF EXISTS ${key} CASCADE`);
      await pool.query('DELETE FROM projection_positions WHERE projection = $1', [key]);
    },
  };
}
