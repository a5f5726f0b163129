import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import { createCommandHandling, type CommandHandling, type EventLog } from '@chat/commands';
import {
  createEventAppender,
  createEventCodec,
  createKafka,
  type EventAppender,
} from '@chat/events';
import type { Logger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis, ObjectStore } from '@chat/storage';
import { CONFIG, LOGGER } from './config.providers';

export const PG_POOL = Symbol('PG_POOL');
export const CASSANDRA = Symbol('CASSANDRA');
/** Commands and publications (typing). */
export const REDIS = Symbol('REDIS');
/** A connection in subscriber mode takes no other command: the live channels have their own. */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
/** Media on messages: sends' uploads checked, download URLs signed, as the command API. */
export const OBJECT_STORE = Symbol('OBJECT_STORE');
export const KAFKA = Symbol('KAFKA');
/** One producer for presence and commands: batching, acks=all, idempotent. */
export const EVENT_APPENDER = Symbol('EVENT_APPENDER');
/** The command API's own command handling, run in this process. */
export const COMMAND_HANDLING = Symbol('COMMAND_HANDLING');
export const EVENT_LOG = Symbol('EVENT_LOG');
const COMMAND_HANDLING_AND_LOG = Symbol('COMMAND_HANDLING_AND_LOG');

/**
 * Closes the connections once the gateway has drained: the log last flushed (the sessions'
 * disconnects are presence events), then the stores.
 */
@Injectable()
export class ConnectionsShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CASSANDRA) private readonly cassandra: Client,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
  ) {}

  async onApplicationShutdown() {
    await this.log.close();
    this.subscriber.disconnect();
    this.redis.disconnect();
    this.objects.close();
    await Promise.all([this.pool.end(), this.cassandra.shutdown()]).catch(() => undefined);
  }
}

/** The gateway's connections to the stores, the log and the object store. */
export const connectionProviders: Provider[] = [
  {
    provide: PG_POOL,
    inject: [CONFIG, LOGGER],
    useFactory: (config: Config, logger: Logger) => createPgPool(config, { max: 10, logger }),
  },
  {
    provide: CASSANDRA,
    inject: [CONFIG, LOGGER],
    useFactory: (config: Config, logger: Logger) => createCassandraClient(config, { logger }),
  },
  {
    provide: REDIS,
    inject: [CONFIG, LOGGER],
    useFactory: (config: Config, logger: Logger) =>
      createRedis(config, { autoPipelining: true, logger }),
  },
  {
    provide: REDIS_SUBSCRIBER,
    inject: [CONFIG, LOGGER],
    useFactory: (config: Config, logger: Logger) => createRedis(config, { logger }),
  },
  {
    provide: OBJECT_STORE,
    inject: [CONFIG],
    useFactory: (config: Config) => ObjectStore.fromConfig(config),
  },
  {
    provide: KAFKA,
    inject: [CONFIG, LOGGER],
    useFactory: (config: Config, logger: Logger) =>
      createKafka(
        { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-gateway` },
        logger,
      ),
  },
  {
    provide: EVENT_APPENDER,
    inject: [CONFIG, KAFKA, LOGGER],
    useFactory: (config: Config, kafka: Kafka, logger: Logger) =>
      createEventAppender({
        kafka,
        codec: createEventCodec({ registryUrl: config.registry.value }),
        logger,
      }),
  },
  {
    provide: COMMAND_HANDLING_AND_LOG,
    inject: [CONFIG, PG_POOL, REDIS, KAFKA, EVENT_APPENDER, OBJECT_STORE],
    useFactory: (
      config: Config,
      pool: Pool,
      redis: Redis,
      kafka: Kafka,
      appender: EventAppender,
      objects: ObjectStore,
    ) => createCommandHandling(config, { pool, redis, kafka, appender, objects }),
  },
  {
    provide: COMMAND_HANDLING,
    inject: [COMMAND_HANDLING_AND_LOG],
    useFactory: (wired: { handling: CommandHandling }) => wired.handling,
  },
  {
    provide: EVENT_LOG,
    inject: [COMMAND_HANDLING_AND_LOG],
    useFactory: (wired: { log: EventLog }) => wired.log,
  },
  ConnectionsShutdown,
];
