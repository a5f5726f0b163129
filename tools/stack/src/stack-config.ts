import { z } from 'zod';
import {
  configSchema,
  LOCAL_STACK_PORTS,
  merged,
  parseEnv,
  port,
  section,
  variable,
  type Config,
  type Env,
} from '@chat/config';

/**
 * The local stack's own settings: where it keeps its files, the ports its services bind, their
 * heaps and JDKs. The apps never read these; they find the stack's services on the same
 * CHAT_*_PORT variables (LOCAL_STACK_PORTS) unless told where existing servers are.
 */
const stackSettings = section({
  /** Everything the stack writes (binaries, data, logs, pid files) lives under this folder. */
  dir: variable('CHAT_STACK_DIR', z.string().default('.stack')),
  /** JDK 17 for Kafka, Cassandra and s3proxy (Cassandra 5 refuses newer JDKs). */
  javaHome: variable('CHAT_JAVA_HOME', z.string().default('/usr/lib/jvm/java-17-openjdk-amd64')),
  /** The registry (Apicurio 3.3, Quarkus) is built for Java 21+. */
  registryJavaHome: variable(
    'CHAT_REGISTRY_JAVA_HOME',
    z.string().default('/usr/lib/jvm/temurin-25-jdk-amd64'),
  ),
  heaps: section({
    kafka: variable('CHAT_KAFKA_HEAP', z.string().default('768m')),
    cassandra: variable('CHAT_CASSANDRA_HEAP', z.string().default('1G')),
    registry: variable('CHAT_REGISTRY_HEAP', z.string().default('512m')),
  }),
  ports: section({
    kafka: variable('CHAT_KAFKA_PORT', LOCAL_STACK_PORTS.CHAT_KAFKA_PORT),
    kafkaController: variable('CHAT_KAFKA_CONTROLLER_PORT', port.default(19093)),
    registry: variable('CHAT_REGISTRY_PORT', LOCAL_STACK_PORTS.CHAT_REGISTRY_PORT),
    registryManagement: variable('CHAT_REGISTRY_MANAGEMENT_PORT', port.default(18082)),
    cassandra: variable('CHAT_CASSANDRA_PORT', LOCAL_STACK_PORTS.CHAT_CASSANDRA_PORT),
    cassandraStorage: variable('CHAT_CASSANDRA_STORAGE_PORT', port.default(17000)),
    postgres: variable('CHAT_POSTGRES_PORT', LOCAL_STACK_PORTS.CHAT_POSTGRES_PORT),
    redis: variable('CHAT_REDIS_PORT', LOCAL_STACK_PORTS.CHAT_REDIS_PORT),
    s3: variable('CHAT_S3_PORT', LOCAL_STACK_PORTS.CHAT_S3_PORT),
  }),
});

export type StackSettings = z.output<typeof stackSettings>;

/**
 * What the stack tool works from: the apps' configuration (where each service is, and so
 * whether it is the stack's to run, and what the apps are given) and the stack's own settings.
 */
export type StackConfig = Config & { stack: StackSettings };

const stackConfigSchema = merged(configSchema, section({ stack: stackSettings }));

export function loadStackConfig(env: Env = process.env): StackConfig {
  return parseEnv(stackConfigSchema, env);
}

/** The environment's stack configuration with some variables replaced (tests, tools). */
export function loadStackConfigWith(overrides: Env): StackConfig {
  return loadStackConfig({ ...process.env, ...overrides });
}
