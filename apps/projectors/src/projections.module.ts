import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Client } from 'cassandra-driver';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import type { Logger } from '@chat/observability';
import { CASSANDRA, CONFIG, KAFKA, LOGGER, PG_POOL, REDIS } from '@chat/platform';
import { superviseProjections, type SupervisedProjections } from './supervise-projections';

/**
 * Starts the projections once the app is up (every registered version, following the
 * registry), and stops them (finishing the batches in hand) on shutdown. Every version runs
 * on the app's connections, which the platform closes after this module's shutdown.
 */
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private running: SupervisedProjections | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CASSANDRA) private readonly cassandra: Client,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap() {
    const { kafka, pool, cassandra, redis, logger } = this;
    this.running = await superviseProjections(this.config, {
      logger,
      clients: { kafka, pool, cassandra, redis },
    });
  }

  async onApplicationShutdown() {
    await this.running?.stop();
  }
}
