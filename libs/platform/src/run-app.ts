import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type Config } from '@chat/config';
import { createLogger, type Logger } from '@chat/observability';
import { ConfigModule } from './config.module';
import { ConnectionsModule } from './connections';
import type { DependencyName } from './dependency-checks';
import { dependencyChecksProvider } from './dependency-checks.provider';
import { HealthController } from './health.controller';
import { LoggerModule } from './logger.module';
import { MetricsController } from './metrics.controller';
import { NestLogger } from './nest-logger';

export interface AppSpec {
  name: string;
  port(config: Config): number;
  dependencies: DependencyName[];
  /** Postgres connections the app holds at most; 10 unless said. */
  postgresPoolSize?: number;
  /** The app's own feature modules. */
  imports(config: Config): Array<Type | DynamicModule>;
  /** False when the app parses request bodies itself (the command API checks every byte). */
  bodyParser?: boolean;
  /** App-wide setup after creation: filters, documentation. */
  configure?(app: INestApplication, config: Config): void | Promise<void>;
}

/** Config, logger, connections, health, metrics and JSON logs: what every app has, wired once. */
function platformModule(spec: AppSpec, config: Config, logger: Logger): DynamicModule {
  @Module({})
  class PlatformModule {}
  return {
    module: PlatformModule,
    imports: [
      ConfigModule.forRoot(config),
      LoggerModule.forRoot(logger),
      ConnectionsModule.forRoot({
        clientName: spec.name,
        postgresPoolSize: spec.postgresPoolSize ?? 10,
      }),
      ...spec.imports(config),
    ],
    controllers: [HealthController, MetricsController],
    providers: [dependencyChecksProvider(spec.dependencies)],
  };
}

/** Creates the app without listening: what `runApp` starts and what in-process tests drive. */
export async function createApp(
  spec: AppSpec,
  config: Config,
  logger: Logger = createLogger(spec.name, config.logLevel),
): Promise<INestApplication> {
  const app = await NestFactory.create(platformModule(spec, config, logger), {
    bufferLogs: true,
    bodyParser: spec.bodyParser ?? true,
  });
  app.useLogger(new NestLogger(logger));
  await spec.configure?.(app, config);
  return app;
}

/** Starts an app: JSON logs, /health/live, /health/ready, /metrics, clean shutdown on SIGTERM. */
export async function runApp(spec: AppSpec): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(spec.name, config.logLevel);
  logProcessWarnings(logger);
  if (config.environment === 'local') {
    logger.warn(
      'CHAT_ENVIRONMENT=local: the public development secrets are accepted and anyone can mint tokens; never expose this process',
    );
  }
  const app = await createApp(spec, config, logger);
  await app.listen(spec.port(config), config.bindHost);
  logger.info(`${spec.name} listening on http://${config.bindHost}:${spec.port(config)}`);

  // On SIGTERM: run every module's shutdown hook (drain, disconnect), then exit 0. A hook that
  // hangs must not keep a deploy waiting forever.
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info(`${signal}: shutting down`);
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

const SHUTDOWN_DEADLINE_MS = 15000;

/**
 * Node prints process warnings (a library's deprecation notice, say) as plain text on stderr,
 * which would break the one-JSON-object-per-line log. Its own printer is a 'warning' listener:
 * replaced here by one that logs each warning as a structured line.
 */
function logProcessWarnings(logger: ReturnType<typeof createLogger>): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ warning: warning.name }, warning.message));
}
