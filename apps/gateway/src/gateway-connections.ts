import type { Config } from '@chat/config';
import { commandEventLog, type CommandConnections } from '@chat/commands';
import { createEventAppender, createEventCodec, createKafka } from '@chat/events';
import type { Logger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis, ObjectStore } from '@chat/storage';

/**
 * The gateway's connections, opened once for the sessions and for the commands they carry:
 * one producer for presence and commands (batching, acks=all, idempotent).
 */
export class GatewayConnections {
  readonly pool;
  readonly cassandra;
  readonly redis;
  /** Redis in subscriber mode, for live changes. */
  readonly subscriber;
  /** Media on messages: sends' uploads checked, download URLs signed, as the command API. */
  readonly objects: ObjectStore;
  readonly appender;
  /** What command handling takes from this process. */
  readonly commands: CommandConnections;

  constructor(config: Config, logger: Logger) {
    this.pool = createPgPool(config, { max: 10, logger });
    this.cassandra = createCassandraClient(config, { logger });
    this.redis = createRedis(config, { autoPipelining: true, logger });
    this.subscriber = createRedis(config, { logger });
    this.objects = ObjectStore.fromConfig(config);
    const kafka = createKafka(
      { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-gateway` },
      logger,
    );
    this.appender = createEventAppender({
      kafka,
      codec: createEventCodec({ registryUrl: config.registry.value }),
      logger,
    });
    this.commands = {
      config,
      pool: this.pool,
      redis: this.redis,
      objects: this.objects,
      log: commandEventLog(config, kafka, this.appender),
    };
  }

  async close(): Promise<void> {
    await this.commands.log.close();
    this.subscriber.disconnect();
    this.redis.disconnect();
    this.objects.close();
    await Promise.all([this.pool.end(), this.cassandra.shutdown()]).catch(() => undefined);
  }
}
