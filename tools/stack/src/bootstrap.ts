import type { Config } from '@chat/config';
import { bootstrapEventLog } from '@chat/events';
import { createLogger } from '@chat/observability';
import {
  createCassandraClient,
  createPgPool,
  migrateCassandra,
  migratePostgres,
  ObjectStore,
} from '@chat/storage';
import { ensureViewsReadable } from '@chat/views';

/** Topics, schemas, keyspace, tables and migrations: everything idempotent. */
export async function bootstrap(config: Config): Promise<void> {
  const logger = createLogger('bootstrap', 'warn');
  const objects = ObjectStore.fromConfig(config);
  const [log, postgres, cassandra, bucketCreated] = await Promise.all([
    bootstrapEventLog(config, logger),
    migratePostgres(config),
    migrateCassandra(config),
    objects.ensureBucket().finally(() => objects.close()),
  ]);
  // Readers (the command API, the gateway) need a version of each view before the
  // projectors first start: an empty view, not a missing one.
  const pool = createPgPool(config, { max: 1 });
  const cassandraClient = createCassandraClient(config);
  try {
    await ensureViewsReadable({
      pool,
      cassandra: cassandraClient,
      keyspace: config.cassandra.keyspace,
    });
  } finally {
    await Promise.all([pool.end(), cassandraClient.shutdown()]);
  }
  const changes = [
    ...log.createdTopics.map((topic) => `topic ${topic}`),
    ...postgres.map((m) => `postgres ${m}`),
    ...cassandra.map((m) => `cassandra ${m}`),
    ...(bucketCreated ? [`bucket ${config.s3.bucket}`] : []),
  ];
  console.log(
    changes.length > 0
      ? `bootstrap: ${changes.join(', ')}; ${log.subjects.size} schemas registered`
      : `bootstrap: up to date (${log.subjects.size} schemas registered)`,
  );
}
