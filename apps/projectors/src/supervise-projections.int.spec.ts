import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import { PROJECTIONS, versionKey, viewVersions } from '@chat/views';
import { startProjections } from './start-projections';
import { superviseProjections, type SupervisedProjections } from './supervise-projections';

/** The projectors app runs what the registry lists: a new version starts, a dropped one stops. */
const { config, logger } = eventLogFixture('supervise');
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const version = 300000 + Math.floor(Math.random() * 1000000);
let supervised: SupervisedProjections;
let another: SupervisedProjections;

afterAll(async () => {
  await supervised?.stop();
  await another?.stop();
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

it('starts a version when it is registered and stops it when it is dropped', async () => {
  supervised = await superviseProjections(config, { logger, intervalMs: 100 });
  const key = versionKey('inbox', version);
  expect(supervised.running()).not.toContain(key);

  await viewVersions(PROJECTIONS.inbox, { pool }).create(version);
  await waitFor(
    'the new version running',
    () => (supervised.running().includes(key) ? true : undefined),
    {
      timeoutMs: 30000,
    },
  );

  await viewVersions('inbox', { pool, cassandra, keyspace: config.cassandra.keyspace }).drop(
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

it('keeps running and following the registry when a registered version fails to start', async () => {
  // A version dropped between reading the registry and starting it, a store down for a
  // moment: the start throws once; the app must neither die nor stop following.
  const flaky = version + 1;
  const key = versionKey('inbox', flaky);
  let failures = 0;
  await viewVersions(PROJECTIONS.inbox, { pool }).create(flaky);
  another = await superviseProjections(config, {
    logger,
    intervalMs: 100,
    start: (startConfig, options) => {
      if (options?.versions?.inbox === flaky && failures++ === 0) {
        return Promise.reject(
          new Error('inbox version was dropped; version numbers are never reused'),
        );
      }
      return startProjections(startConfig, options);
    },
  });
  expect(failures).toBe(1);
  await waitFor('the version running on a later round', () =>
    another.running().includes(key) ? true : undefined,
  );
  await viewVersions('inbox', { pool, cassandra, keyspace: config.cassandra.keyspace }).drop(flaky);
}, 60000);
