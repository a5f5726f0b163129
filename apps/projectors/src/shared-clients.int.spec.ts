import { eventLogFixture } from '@chat/events/testing';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { dropProjectionVersion, ensureInboxVersion } from '@chat/views';
import { startProjections } from './start-projections';

/**
 * The projectors app runs every version on its own connections: a version that stops (dropped,
 * or a rebuild done) must leave them open for the others.
 */
const { config, logger, kafka } = eventLogFixture('shared-clients');
const pool = createPgPool(config, { max: 4 });
const cassandra = createCassandraClient(config);
const redis = createRedis(config, { autoPipelining: true });
const version = 300000 + Math.floor(Math.random() * 1000000);

afterAll(async () => {
  await dropProjectionVersion(
    { pool, cassandra, keyspace: config.cassandra.keyspace },
    'inbox',
    version,
  );
  await Promise.all([pool.end(), cassandra.shutdown()]);
  redis.disconnect();
});

it('should leave the connections it was given open when it stops', async () => {
  await ensureInboxVersion(pool, version);
  const running = await startProjections(config, {
    only: ['inbox'],
    versions: { inbox: version },
    logger,
    clients: { kafka, pool, cassandra, redis },
  });
  await running.stop();

  await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  await expect(cassandra.execute('SELECT release_version FROM system.local')).resolves.toBeTruthy();
  await expect(redis.ping()).resolves.toBe('PONG');
}, 60000);
