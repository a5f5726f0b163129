import { join } from 'node:path';
import type { Config } from '@chat/config';
import { createCassandraClient, createPgPool } from './clients';
import { inTransaction } from './in-transaction';
import { MIGRATIONS_ROOT, pendingMigrations, readMigrations } from './migration-files';

/** Applies pending Postgres migrations, each in its own transaction. Returns those applied. */
export async function migratePostgres(
  config: Config,
  dir = join(MIGRATIONS_ROOT, 'postgres'),
): Promise<string[]> {
  const pool = createPgPool(config, { max: 1 });
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await pool.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const pending = pendingMigrations(
      readMigrations(dir),
      new Map(rows.map((r) => [r.version, r.checksum])),
      'postgres',
    );
    for (const migration of pending) {
      await inTransaction(pool, async (client) => {
        for (const statement of migration.statements) await client.query(statement);
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
          [migration.version, migration.name, migration.checksum],
        );
      }).catch((error: unknown) => {
        throw new Error(
          `postgres migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`,
        );
      });
    }
    return pending.map((m) => `${m.version}_${m.name}`);
  } finally {
    await pool.end();
  }
}

/**
 * Creates the keyspace and applies pending CQL migrations. CQL has no transactions, so each
 * statement must be idempotent (IF NOT EXISTS); a migration is recorded once all ran.
 */
export async function migrateCassandra(
  config: Config,
  dir = join(MIGRATIONS_ROOT, 'cassandra'),
): Promise<string[]> {
  const { keyspace, replication } = config.cassandra;
  const client = createCassandraClient(config);
  try {
    await client.connect();
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication}`,
    );
    await client.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (
      version int PRIMARY KEY, name text, checksum text, applied_at timestamp)`);
    const result = await client.execute(
      `SELECT version, checksum FROM ${keyspace}.schema_migrations`,
    );
    const applied = new Map(
      result.rows.map((row) => [row.version as number, row.checksum as string]),
    );
    const pending = pendingMigrations(readMigrations(dir), applied, 'cassandra');
    for (const migration of pending) {
      for (const statement of migration.statements) {
        await client.execute(statement.replaceAll('{keyspace}', keyspace));
      }
      await client.execute(
        `INSERT INTO ${keyspace}.schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, toTimestamp(now()))`,
        [migration.version, migration.name, migration.checksum],
        { prepare: true },
      );
    }
    return pending.map((m) => `${m.version}_${m.name}`);
  } finally {
    await client.shutdown();
  }
}
