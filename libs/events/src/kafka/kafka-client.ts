import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@chat/observability';

/**
 * The only place that constructs the Kafka client. Everything else talks to the log through
 * the producer, consumer and admin factories beside this file, so that replacing kafkajs
 * touches this folder alone.
 */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(connection: KafkaConnection, logger: Logger): Kafka {
  if (connection.brokers.length === 0)
    throw new Error('createKafka: at least one broker is required');
  const kafkaLogger = logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[LEVEL_NAMES[level] ?? 'info'](extra, message);
      },
  });
}

/** The connection handle apps pass around, so nothing outside libs/events names kafkajs. */
export type LogClient = Kafka;
