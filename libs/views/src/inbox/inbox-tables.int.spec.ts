import { loadConfig } from '@chat/config';
import { createPgPool } from '@chat/storage';
import { versionKey } from '../projection-names';
import { ensureInboxVersion, inboxSchemaOf } from './inbox-tables';

const pool = createPgPool(loadConfig(), { max: 2 });
const version = 300000 + Math.floor(Math.random() * 1000000);
const schema = inboxSchemaOf(version);

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.query('DELETE FROM projection_versions WHERE version = $1', [version]);
  await pool.query('DELETE FROM projection_positions WHERE projection = $1', [
    versionKey('inbox', version),
  ]);
  await pool.end();
});

it('gives a version made before the membership facts their columns, keeping its rows', async () => {
  // The memberships table as versions made before engaged / added_by have it.
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.memberships (
      conversation_id text NOT NULL, user_id text NOT NULL, role text NOT NULL,
      joined_seq bigint NOT NULL, read_seq bigint NOT NULL, delivered_seq bigint NOT NULL,
      PRIMARY KEY (conversation_id, user_id))`);
  await pool.query(`INSERT INTO ${schema}.memberships VALUES ('g-1', 'alice', 'ADMIN', 1, 1, 1)`);
  await ensureInboxVersion(pool, version);
  await ensureInboxVersion(pool, version); // and again: nothing changes
  const { rows } = await pool.query(`SELECT * FROM ${schema}.memberships`);
  expect(rows).toEqual([
    {
      conversation_id: 'g-1',
      user_id: 'alice',
      role: 'ADMIN',
      joined_seq: '1',
      read_seq: '1',
      delivered_seq: '1',
      engaged: false,
      added_by: null,
    },
  ]);
});
