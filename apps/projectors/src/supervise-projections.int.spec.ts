import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import { dropProjectionVersion, ensureInboxVersion, versionKey } from '@chat/views';
import { superviseProjections, type SupervisedProjections } from './supervise-projections';

/** The projectors app runs what the registry lists: a new version starts, a dropped one stops. */
const { config, logger } = eventLogFixture('supervise');
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const version = 300000 + Math.floor(Math.random() * 1000000);
let supervised: SupervisedProjections;

afterAll(async () => {
  await supervised?.stop();
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

it('starts a version when it is registered and stops it when it is dropped', async () => {
  supervised = await superviseProjections(config, { logger, intervalMs: 100 });
  const key = versionKey('inbox', version);
  expect(supervised.running()).not.toContain(key);

  await ensureInboxVersion(pool, version);
  await waitFor(
    'the new version running',
    () => (supervised.running().includes(key) ? true : undefined),
    {
      timeoutMs: 30000,
    },
  );

  await dropProjectionVersion(
    { pool, cassandra, keyspace: config.cassandra.keyspace },
    'inbox',
    version,
  );
  await waitFor(
    'the dropped version stopped',
    () => (supervised.running().includes(key) ? undefined : true),
    {
      timeoutMs: 30000,
    },
  );
}, 60000);
