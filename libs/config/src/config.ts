import { z } from 'zod';
import { refusePublicSecrets } from './dev-secrets';
import { atLeast, port, section, variable, type Env, type EnvSchema } from './env-schema';
import { authSettings } from './sections/auth';
import { chatEnvironment } from './sections/environment';
import { gatewaySettings } from './sections/gateway';
import { kafkaSettings } from './sections/kafka';
import { limitSettings } from './sections/limits';
import { mediaSettings } from './sections/media';
import { pushSettings } from './sections/push';
import { s3Settings } from './sections/s3';
import {
  cassandraSettings,
  postgresSettings,
  redisSettings,
  registrySettings,
} from './sections/services';

/**
 * The apps' configuration: every setting with the variable it is read from, checked once at
 * start. Its output is the Config every app, library and test is handed.
 *
 * Services are found two ways: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CASSANDRA_CONTACT_POINTS,
 * DATABASE_URL, REDIS_URL and S3_ENDPOINT point at existing servers; unset, a service is the
 * local stack's, on its CHAT_*_PORT (see local-stack-ports). The local stack's own settings
 * (its folder, ports, heaps, JDKs) are the stack tool's, not the apps'.
 */
export const configSchema = section({
  nodeEnv: variable(
    'NODE_ENV',
    z.enum(['development', 'test', 'production']).default('development'),
  ),
  /** `local` accepts the public development secrets (see chatEnvironment). */
  environment: variable('CHAT_ENVIRONMENT', chatEnvironment),
  logLevel: variable(
    'LOG_LEVEL',
    z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  ),
  /** Address the apps listen on: loopback locally, 0.0.0.0 in a container. */
  bindHost: variable('CHAT_BIND_HOST', z.string().default('127.0.0.1')),
  /** The port each app listens on. */
  ports: section({
    commandApi: variable('COMMAND_API_PORT', port.default(3000)),
    gateway: variable('GATEWAY_PORT', port.default(3001)),
    projectors: variable('PROJECTORS_PORT', port.default(3002)),
  }),
  kafka: kafkaSettings,
  registry: registrySettings,
  cassandra: cassandraSettings,
  postgres: postgresSettings,
  redis: redisSettings,
  s3: s3Settings,
  media: mediaSettings,
  auth: authSettings,
  push: pushSettings,
  limits: limitSettings,
  /** How long a command waits for Kafka's acknowledgement before answering 503. */
  appendTimeoutMs: variable('CHAT_APPEND_TIMEOUT_MS', atLeast(100).default(5000)),
  /** The longest an HTTP long poll (GET .../sync?wait=) is held open; requests may ask less. */
  syncMaxWaitMs: variable(
    'CHAT_SYNC_MAX_WAIT_MS',
    z.coerce.number().int().min(0).max(30000).default(30000),
  ),
  gateway: gatewaySettings,
}).superRefine(refusePublicSecrets);

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** The one place apps read process.env: a bad value names its variable and nothing starts. */
export function loadConfig(env: Env = process.env): Config {
  return parseEnv(configSchema, env);
}

/** Any schema over the environment, its problems thrown as one ConfigError. */
export function parseEnv<T>(schema: EnvSchema<T>, env: Env): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/**
 * Every setting at its default, for code handed no Config (a tool's consumer timings). Local,
 * so the public defaults load; never the config an app trusts tokens with.
 */
export function configDefaults(): Config {
  return loadConfig({ CHAT_ENVIRONMENT: 'local' });
}

/** The environment's configuration with some variables replaced (tests, tools). */
export function loadConfigWith(overrides: Env): Config {
  return loadConfig({ ...process.env, ...overrides });
}
