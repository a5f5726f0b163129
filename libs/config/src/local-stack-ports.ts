import { port } from './env-schema';

/**
 * The ports the local stack (tools/stack) serves its services on. The apps read them only to
 * find that stack by default: a service whose address is not given (KAFKA_BROKERS,
 * DATABASE_URL...) is the local stack's, on its port. The stack binds them.
 */
export const LOCAL_STACK_PORTS = {
  CHAT_KAFKA_PORT: port.default(19092),
  CHAT_REGISTRY_PORT: port.default(18081),
  CHAT_CASSANDRA_PORT: port.default(19042),
  CHAT_POSTGRES_PORT: port.default(15432),
  CHAT_REDIS_PORT: port.default(16379),
  CHAT_S3_PORT: port.default(19900),
};

export type LocalStackPort = keyof typeof LOCAL_STACK_PORTS;
