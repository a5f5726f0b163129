import type { Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Config } from '@chat/config';
import { createKafka } from '@chat/events';
import type { Logger } from '@chat/observability';
import { CONFIG } from '../config.module';
import { LOGGER } from '../logger.module';
import { CONNECTION_OPTIONS, type ConnectionOptions } from './connection-options';

/**
 * The app's Kafka client. It holds no connection itself: producers, consumers and admins made
 * from it connect on first use (Kafka may be down when the app starts) and are closed by
 * whoever made them.
 */
export const KAFKA = Symbol('KAFKA');

export const kafkaProvider: Provider<Kafka> = {
  provide: KAFKA,
  inject: [CONFIG, LOGGER, CONNECTION_OPTIONS],
  useFactory: (config: Config, logger: Logger, options: ConnectionOptions) =>
    createKafka(
      { brokers: config.kafka.value, clientId: `${config.kafka.clientId}-${options.clientName}` },
      logger,
    ),
};
