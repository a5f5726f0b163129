import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';
import type { AppSpec } from '@chat/platform';
import { commandApiModule } from './command-api.module';
import { jsonBody } from './http/json-body';
import { methodNotAllowed } from './http/method-not-allowed';

/** The OpenAPI document, generated from the controllers and their zod schemas. */
export function openApiDocument(app: INestApplication) {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Chat command API')
      .setDescription(
        'Every command becomes an event in Kafka. 202 means the events are in the log; ' +
          'refusals are problem documents with a stable `code`.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}

export const commandApiSpec: AppSpec = {
  name: 'command-api',
  port: (config) => config.ports.commandApi,
  dependencies: ['kafka', 'registry', 'postgres', 'cassandra', 'redis', 's3'],
  postgresPoolSize: 20,
  imports: (config) => [commandApiModule(config)],
  bodyParser: false,
  configure(app, config) {
    const document = openApiDocument(app);
    app.use(methodNotAllowed(document));
    app.use(jsonBody(config.limits.maxBodyBytes));
    // Served at /openapi.json (and a browsable page at /docs).
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  },
};
