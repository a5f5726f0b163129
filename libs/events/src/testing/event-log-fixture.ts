import { loadConfig } from '@chat/config';
import { createLogger } from '@chat/observability';
import { createKafka } from '../kafka/kafka-client';

/** Clients for integration tests against the configured (local or external) stack. */
export function eventLogFixture(name: string) {
  const config = loadConfig();
  const logger = createLogger(name, 'fatal');
  const kafka = createKafka({ brokers: config.kafka.value, clientId: `test-${name}` }, logger);
  return { config, logger, kafka, registryUrl: config.registry.value };
}
