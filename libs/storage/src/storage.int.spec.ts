import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@chat/config';
import { createCassandraClient, createPgPool, createRedis } from './clients';
import { migrateCassandra, migratePostgres } from './migrate';

const config = loadConfig();

describe('storage round trips against the real servers', () => {
  it('should write and read a Postgres row', async () => {
    const pool = createPgPool(config);
    const projection = `test-${randomUUID()}`;
    try {
      await pool.query(
        'INSERT INTO projection_positions (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4)',
        [projection, 'chat.conversations.v1', 2, '9007199254740993'],
      );
      const { rows } = await pool.query(
        'SELECT next_offset FROM projection_positions WHERE projection = $1',
        [projection],
      );
      // bigint comes back as a string: no precision lost past 2^53.
      expect(rows).toEqual([{ next_offset: '9007199254740993' }]);
    } finally {
      await pool.end();
    }
  });

  it('should write and read a Cassandra row', async () => {
    const client = createCassandraClient(config, { keyspace: config.cassandra.keyspace });
    const projection = `test-${randomUUID()}`;
    try {
      await client.execute(
        'INSERT INTO projection_positions (projection, topic, partition, next_offset) VALUES (?, ?, ?, ?)',
        [projection, 'chat.conversations.v1', 1, 42],
        { prepare: true },
      );
      const result = await client.execute(
        'SELECT next_offset FROM projection_positions WHERE projection = ?',
        [projection],
        { prepare: true },
      );
      expect(result.rows.map((row) => row.next_offset.toString())).toEqual(['42']);
    } finally {
      await client.shutdown();
    }
  });

  it('should set, read and expire a Redis key', async () => {
    const redis = createRedis(config);
    const key = `test:${randomUUID()}`;
    try {
      await redis.set(key, 'online', 'EX', 30);
      expect(await redis.get(key)).toBe('online');
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
    } finally {
      redis.disconnect();
    }
  });
});

describe('migrations', () => {
  function migrationsDir(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    Object.entries(files).forEach(([name, text]) => writeFileSync(join(dir, name), text));
    return dir;
  }

  it('should apply the project migrations once: a second run changes nothing', async () => {
    await migratePostgres(config);
    expect(await migratePostgres(config)).toEqual([]);
    await migrateCassandra(config);
    expect(await migrateCassandra(config)).toEqual([]);
  });

  it('should refuse a migration whose file changed after it was applied', async () => {
    const table = `test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const keyspace = `test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const isolated = loadConfig({ CHAT_ENVIRONMENT: 'local', CASSANDRA_KEYSPACE: keyspace });
    const version = `9${String(Date.now()).slice(-3)}`;
    const dir = migrationsDir({
      [`${version}_make_${table}.sql`]: `CREATE TABLE ${table} (id int);`,
    });
    expect(await migratePostgres(isolated, dir)).toEqual([`${Number(version)}_make_${table}`]);
    writeFileSync(join(dir, `${version}_make_${table}.sql`), `CREATE TABLE ${table} (id bigint);`);
    await expect(migratePostgres(isolated, dir)).rejects.toThrow(/changed after it was applied/);

    const pool = createPgPool(config);
    await pool.query(`DROP TABLE ${table}`);
    await pool.query('DELETE FROM schema_migrations WHERE version = $1', [Number(version)]);
    await pool.end();

    const cql = migrationsDir({
      '0001_t.cql': `CREATE TABLE IF NOT EXISTS {keyspace}.t (id int PRIMARY KEY);`,
    });
    expect(await migrateCassandra(isolated, cql)).toEqual(['1_t']);
    writeFileSync(
      join(cql, '0001_t.cql'),
      `CREATE TABLE IF NOT EXISTS {keyspace}.t (id bigint PRIMARY KEY);`,
    );
    await expect(migrateCassandra(isolated, cql)).rejects.toThrow(
      /cassandra migration 0001_t changed/,
    );
    const client = createCassandraClient(config);
    await client.execute(`DROP KEYSPACE ${keyspace}`);
    await client.shutdown();
  });
});
