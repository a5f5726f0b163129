import type { Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Config } from '@chat/config';
import { createEventAppender, createEventCodec, type EventAppender } from '@chat/events';
import type { Logger } from '@chat/observability';
import { CONFIG } from '../config.module';
import { LOGGER } from '../logger.module';
import { KAFKA } from './kafka.provider';

/**
 * The app's one producer (batching, acks=all, idempotent): `@Inject(EVENT_APPENDER)`. Commands
 * and the gateway's presence reports share it; it connects on first use, so the app starts
 * while Kafka is down, and it is flushed and closed after every feature has shut down.
 */
export const EVENT_APPENDER = Symbol('EVENT_APPENDER');

export const eventAppenderProvider: Provider<EventAppender> = {
  provide: EVENT_APPENDER,
  inject: [CONFIG, KAFKA, LOGGER],
  useFactory: (config: Config, kafka: Kafka, logger: Logger) =>
    createEventAppender({
      kafka,
      codec: createEventCodec({ registryUrl: config.registry.value }),
      logger,
    }),
};
