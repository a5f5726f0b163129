import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Config } from '@chat/config';
import { createCassandraClient, createPgPool, createRedis, createS3Client } from '@chat/storage';
import { createKafka, createLogAdmin } from '@chat/events';
import type { Logger } from '@chat/observability';

/** A real dependency an app needs to do its work; readiness asks each of them. */
export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
  close(): Promise<void>;
}

export type DependencyName = 'kafka' | 'registry' | 'postgres' | 'cassandra' | 'redis' | 's3';

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref(),
    ),
  ]);

export function dependencyChecks(
  config: Config,
  logger: Logger,
  names: DependencyName[],
): DependencyCheck[] {
  const builders: Record<DependencyName, () => DependencyCheck> = {
    postgres: () => {
      const pool = createPgPool(config, { max: 1, logger });
      return {
        name: 'postgres',
        check: async () => void (await pool.query('SELECT 1')),
        close: () => pool.end(),
      };
    },
    redis: () => {
      const redis = createRedis(config, { logger, offlineQueue: false });
      return {
        name: 'redis',
        check: async () => void (await redis.ping()),
        close: async () => redis.disconnect(),
      };
    },
    cassandra: () => {
      const client = createCassandraClient(config, { logger });
      return {
        name: 'cassandra',
        check: async () => void (await client.execute('SELECT release_version FROM system.local')),
        close: () => client.shutdown(),
      };
    },
    kafka: () => {
      const kafka = createKafka(
        { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-health` },
        logger,
      );
      return {
        name: 'kafka',
        check: async () => {
          const admin = await createLogAdmin(kafka);
          await admin.disconnect();
        },
        close: async () => undefined,
      };
    },
    registry: () => ({
      name: 'registry',
      check: async () => {
        const response = await fetch(`${config.registry.value}/subjects`, {
          signal: AbortSignal.timeout(2000),
        });
        if (!response.ok) throw new Error(`registry answered ${response.status}`);
      },
      close: async () => undefined,
    }),
    s3: () => {
      const client = createS3Client(config);
      return {
        name: 's3',
        check: async () =>
          void (await client.send(new HeadBucketCommand({ Bucket: config.s3.bucket }))),
        close: async () => client.destroy(),
      };
    },
  };
  return names.map((name) => {
    const check = builders[name]();
    return { ...check, check: () => withTimeout(check.check(), 3000, name) };
  });
}
