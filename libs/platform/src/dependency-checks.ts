import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import { createLogAdmin } from '@chat/events';
import type { ObjectStore } from '@chat/storage';

/** A real dependency an app needs to do its work; readiness asks each of them. */
export interface DependencyCheck {
  name: DependencyName;
  check(): Promise<void>;
}

export type DependencyName = 'kafka' | 'registry' | 'postgres' | 'cassandra' | 'redis' | 's3';

/** The app's own connections: readiness asks through them, so it sees what the app sees. */
export interface AppConnections {
  config: Config;
  pool: Pool;
  redis: Redis;
  cassandra: Client;
  kafka: Kafka;
  objects: ObjectStore;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref(),
    ),
  ]);

export function dependencyChecks(
  connections: AppConnections,
  names: DependencyName[],
): DependencyCheck[] {
  const { config, pool, redis, cassandra, kafka, objects } = connections;
  const checks: Record<DependencyName, () => Promise<void>> = {
    postgres: async () => void (await pool.query('SELECT 1')),
    redis: async () => {
      // The app's connection queues commands while it reconnects: a probe must say "down"
      // now, not once Redis is back.
      if (redis.status !== 'ready') throw new Error(`redis connection ${redis.status}`);
      await redis.ping();
    },
    cassandra: async () =>
      void (await cassandra.execute('SELECT release_version FROM system.local')),
    kafka: async () => {
      const admin = await createLogAdmin(kafka);
      await admin.disconnect();
    },
    registry: async () => {
      const response = await fetch(`${config.registry.value}/subjects`, {
        signal: AbortSignal.timeout(2000),
      });
      if (!response.ok) throw new Error(`registry answered ${response.status}`);
    },
    s3: async () =>
      void (await objects.client.send(new HeadBucketCommand({ Bucket: objects.bucket }))),
  };
  return names.map((name) => ({ name, check: () => withTimeout(checks[name](), 3000, name) }));
}
