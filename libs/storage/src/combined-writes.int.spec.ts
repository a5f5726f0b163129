import { randomUUID } from 'node:crypto';
import { loadConfig } from '@chat/config';
import { createPgPool } from './clients';
import { writeTogether } from './combined-writes';

/** Several writes as one statement do what they do one after the other, in one round trip. */
const pool = createPgPool(loadConfig(), { max: 1 });
const schema = `combined_${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.a (id text PRIMARY KEY, n int NOT NULL)`);
  await pool.query(`CREATE TABLE ${schema}.b (id text PRIMARY KEY, label text)`);
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.end();
});

const upsertA = (ids: string[], ns: number[]) => ({
  text: `INSERT INTO ${schema}.a AS t SELECT * FROM unnest($1::text[], $2::int[])
         ON CONFLICT (id) DO UPDATE SET n = GREATEST(t.n, EXCLUDED.n)`,
  values: [ids, ns],
});
const insertB = (ids: string[], labels: string[]) => ({
  text: `INSERT INTO ${schema}.b SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
  values: [ids, labels],
});

const rows = async (table: string) =>
  (await pool.query(`SELECT * FROM ${schema}.${table} ORDER BY id`)).rows;

describe('writes together', () => {
  it('applies every write, each with its own parameters, and skips the absent ones', async () => {
    await writeTogether(pool, [
      upsertA(['x', 'y'], [1, 2]),
      null,
      insertB(['x'], ['$1 is text, not a parameter']),
    ]);
    await writeTogether(pool, [upsertA(['x'], [5]), insertB(['x', 'z'], ['again', 'zed'])]);
    expect(await rows('a')).toEqual([
      { id: 'x', n: 5 },
      { id: 'y', n: 2 },
    ]);
    expect(await rows('b')).toEqual([
      { id: 'x', label: '$1 is text, not a parameter' },
      { id: 'z', label: 'zed' },
    ]);
  });

  it('is one statement: a write that fails leaves none of the others', async () => {
    await expect(
      writeTogether(pool, [
        insertB(['w'], ['kept only if all succeed']),
        { text: `INSERT INTO ${schema}.a VALUES ($1, $2)`, values: ['w', null] },
      ]),
    ).rejects.toThrow(/null value/);
    expect((await rows('b')).map((row) => row.id)).not.toContain('w');
  });

  it('does nothing for no writes', async () => {
    await expect(writeTogether(pool, [null, null])).resolves.toBeUndefined();
  });
});
