import { z } from 'zod';
import { csv, merged, section, variable } from '../env-schema';
import { serviceEndpoint, withoutTrailingSlash } from '../service-endpoint';

/** The schema registry's Confluent-compatible API. */
export const registrySettings = serviceEndpoint({
  name: 'SCHEMA_REGISTRY_URL',
  given: z.string().url(),
  parse: withoutTrailingSlash,
  localPort: 'CHAT_REGISTRY_PORT',
  local: (port) => `http://127.0.0.1:${port}/apis/ccompat/v7`,
});

export const cassandraSettings = merged(
  serviceEndpoint({
    name: 'CASSANDRA_CONTACT_POINTS',
    given: z.string(),
    parse: csv,
    localPort: 'CHAT_CASSANDRA_PORT',
    local: (port) => [`127.0.0.1:${port}`],
  }),
  section({
    localDataCenter: variable('CASSANDRA_LOCAL_DC', z.string().default('datacenter1')),
    keyspace: variable(
      'CASSANDRA_KEYSPACE',
      z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,47}$/, 'lower-case letters, digits and _')
        .default('chat'),
    ),
    replication: variable(
      'CASSANDRA_REPLICATION',
      z.string().default("{'class': 'SimpleStrategy', 'replication_factor': 1}"),
    ),
  }),
);

export const postgresSettings = serviceEndpoint({
  name: 'DATABASE_URL',
  given: z.string(),
  parse: (url) => url,
  localPort: 'CHAT_POSTGRES_PORT',
  local: (port) => `postgres://postgres@127.0.0.1:${port}/chat`,
});

export const redisSettings = serviceEndpoint({
  name: 'REDIS_URL',
  given: z.string(),
  parse: (url) => url,
  localPort: 'CHAT_REDIS_PORT',
  local: (port) => `redis://127.0.0.1:${port}`,
});
