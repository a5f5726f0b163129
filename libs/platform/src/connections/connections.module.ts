import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { ObjectStore } from '@chat/storage';
import { CASSANDRA, cassandraProvider } from './cassandra.provider';
import { CONNECTION_OPTIONS, type ConnectionOptions } from './connection-options';
import { KAFKA, kafkaProvider } from './kafka.provider';
import { OBJECT_STORE, objectStoreProvider } from './object-store.provider';
import { PG_POOL, postgresProvider } from './postgres.provider';
import { REDIS, redisProvider } from './redis.provider';

/**
 * One set of connections per app, shared by its features and by its readiness checks. Global,
 * and so shut down after every feature module: whatever a feature flushes on shutdown still
 * has its connections.
 */
@Module({})
export class ConnectionsModule implements OnApplicationShutdown {
  static forRoot(options: ConnectionOptions): DynamicModule {
    return {
      module: ConnectionsModule,
      global: true,
      providers: [
        { provide: CONNECTION_OPTIONS, useValue: options },
        postgresProvider,
        redisProvider,
        cassandraProvider,
        kafkaProvider,
        objectStoreProvider,
      ],
      exports: [PG_POOL, REDIS, CASSANDRA, KAFKA, OBJECT_STORE],
    };
  }

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CASSANDRA) private readonly cassandra: Client,
    @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
  ) {}

  async onApplicationShutdown() {
    await this.pool.end().catch(() => undefined);
    this.redis.disconnect();
    this.objects.close();
    await this.cassandra.shutdown().catch(() => undefined);
  }
}
