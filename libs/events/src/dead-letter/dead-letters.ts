import type { IHeaders, Kafka, Producer } from 'kafkajs';
import type { Logger } from '@chat/observability';
import { TOPICS } from '../topics';

/**
 * Dead letters keep the original key, value and headers byte for byte and add headers that
 * say why and where from, so a record can be inspected, fixed and replayed to its source.
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  errorCode: 'dlq-error-code',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  failedAt: 'dlq-failed-at',
} as const;

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface DeadLetter {
  source: SourceRecord;
  consumerGroup: string;
  errorCode: string;
  reason: string;
}

export interface DeadLetterPublisher {
  connect(): Promise<void>;
  publish(letter: DeadLetter): Promise<void>;
  disconnect(): Promise<void>;
}

export function createDeadLetterPublisher(options: {
  kafka: Kafka;
  logger: Logger;
  topic?: string;
  now?: () => Date;
}): DeadLetterPublisher {
  const topic = options.topic ?? TOPICS.deadLetters;
  const now = options.now ?? (() => new Date());
  const logger = options.logger.child({ component: 'dead-letters' });
  const producer: Producer = options.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });

  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),

    async publish({ source, consumerGroup, errorCode, reason }) {
      logger.warn(
        {
          sourceTopic: source.topic,
          partition: source.partition,
          offset: source.offset,
          errorCode,
        },
        `dead letter: ${reason}`,
      );
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: source.key,
            value: source.value,
            headers: {
              ...source.headers,
              [DEAD_LETTER_HEADERS.reason]: reason,
              [DEAD_LETTER_HEADERS.errorCode]: errorCode,
              [DEAD_LETTER_HEADERS.sourceTopic]: source.topic,
              [DEAD_LETTER_HEADERS.sourcePartition]: String(source.partition),
              [DEAD_LETTER_HEADERS.sourceOffset]: source.offset,
              [DEAD_LETTER_HEADERS.consumerGroup]: consumerGroup,
              [DEAD_LETTER_HEADERS.failedAt]: now().toISOString(),
            },
          },
        ],
      });
    },
  };
}
