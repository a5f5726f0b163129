import {
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Config } from '@chat/config';
import { createDeadLetterPublisher, createEventCodec, createKafka } from '@chat/events';
import { createLogger } from '@chat/observability';
import { createPgPool } from '@chat/storage';
import { ensureInboxReadable } from '@chat/views';
import { inboxProjection } from './inbox/inbox-projection';
import {
  createPostgresProjectionRunner,
  type ProjectionRunner,
} from './runtime/postgres-projection-runner';

/**
 * Starts one consumer group per projection once the app is up, and stops them (finishing the
 * batch in hand) on shutdown.
 */
export function projectionsModule(config: Config): DynamicModule {
  const logger = createLogger('projectors', config.logLevel);
  const kafka = createKafka(
    { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-projectors` },
    logger,
  );
  const codec = createEventCodec({ registryUrl: config.registry.value });
  const pool = createPgPool(config, { max: 10 });
  const runners: ProjectionRunner[] = [];

  @Module({})
  class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
    async onApplicationBootstrap() {
      const inboxVersion = await ensureInboxReadable(pool);
      runners.push(
        createPostgresProjectionRunner({
          kafka,
          codec,
          deadLetters: createDeadLetterPublisher({ kafka, logger }),
          pool,
          logger,
          projection: inboxProjection(inboxVersion),
        }),
      );
      await Promise.all(runners.map((runner) => runner.start()));
    }

    async onApplicationShutdown() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await pool.end();
    }
  }
  return { module: ProjectionsModule };
}
