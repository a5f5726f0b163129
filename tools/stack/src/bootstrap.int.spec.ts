import { randomUUID } from 'node:crypto';
import { loadConfig, loadConfigWith } from '@chat/config';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { ChatQueries } from '@chat/views';
import { bootstrap } from './bootstrap';

/**
 * A fresh system: the command API and the gateway may serve reads before any projector has
 * started, so bootstrap must leave every view readers query readable (empty, not missing).
 */
const database = `chat_fresh_${randomUUID().slice(0, 8)}`;
const admin = createPgPool(loadConfig(), { max: 1 });
const fresh = loadConfigWith({
  DATABASE_URL: loadConfig().postgres.value.replace(/\/[^/]*$/, `/${database}`),
});

beforeAll(async () => {
  await admin.query(`CREATE DATABASE ${database}`);
}, 30_000);

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

it('leaves every view a reader queries readable before any projector starts', async () => {
  await bootstrap(fresh);
  const pool = createPgPool(fresh, { max: 2 });
  const cassandra = createCassandraClient(fresh);
  const redis = createRedis(fresh);
  try {
    const queries = new ChatQueries({ pool, cassandra, keyspace: fresh.cassandra.keyspace, redis });
    const reader = `reader-${randomUUID()}`;
    expect(await queries.inboxOf(reader)).toEqual({ items: [], next: null });
    expect(await queries.search(reader, 'hello')).toEqual({ items: [], next: null });
    expect(await queries.conversationsOf(reader)).toEqual({ conversationIds: [], next: null });
  } finally {
    await Promise.all([pool.end(), cassandra.shutdown()]);
    redis.disconnect();
  }
}, 120_000);
