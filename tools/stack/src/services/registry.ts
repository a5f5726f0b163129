import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@chat/config';
import { ensureMavenArchive } from '../installers';
import type { ServiceDefinition } from '../service';

export const APICURIO_ARTIFACT = 'io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all';

/** The registry's JDBC URL: its own database on the local (or given) Postgres. */
function jdbcUrl(config: Config): { url: string; user: string; password: string } {
  const pg = new URL(config.postgres.value);
  return {
    url: `jdbc:postgresql://${pg.hostname}:${pg.port || 5432}/registry`,
    user: decodeURIComponent(pg.username || 'postgres'),
    password: decodeURIComponent(pg.password),
  };
}

export const registry: ServiceDefinition = {
  name: 'registry',
  after: ['postgres'],
  needsJava: true,
  readyTimeoutMs: 120000,
  external: (config) => config.registry.external,
  ports: (config) => [config.stack.ports.registry, config.stack.ports.registryManagement],
  address: (config) => config.registry.value,

  async install(_config, paths) {
    ensureMavenArchive(APICURIO_ARTIFACT, paths.dist('registry'));
  },

  async prepare(config, paths) {
    const home = paths.dist('registry');
    const runner = existsSync(join(home, 'quarkus-run.jar'))
      ? 'quarkus-run.jar'
      : readdirSync(home).find((file) => file.endsWith('-runner.jar'));
    if (!runner) throw new Error(`no runnable jar in ${home}`);
    const db = jdbcUrl(config);
    return {
      command: join(config.stack.registryJavaHome, 'bin', 'java'),
      args: [`-Xms128m`, `-Xmx${config.stack.heaps.registry}`, '-XX:+UseG1GC', '-jar', runner],
      cwd: home,
      env: {
        QUARKUS_HTTP_HOST: '127.0.0.1',
        QUARKUS_HTTP_PORT: String(config.stack.ports.registry),
        QUARKUS_MANAGEMENT_HOST: '127.0.0.1',
        QUARKUS_MANAGEMENT_PORT: String(config.stack.ports.registryManagement),
        QUARKUS_LOG_CONSOLE_JSON: 'false',
        // Schemas must outlive a restart: records in Kafka carry their ids.
        APICURIO_STORAGE_KIND: 'sql',
        APICURIO_STORAGE_SQL_KIND: 'postgresql',
        APICURIO_DATASOURCE_URL: db.url,
        APICURIO_DATASOURCE_USERNAME: db.user,
        APICURIO_DATASOURCE_PASSWORD: db.password,
        APICURIO_RULES_GLOBAL_COMPATIBILITY: 'BACKWARD',
        APICURIO_CCOMPAT_USE_CANONICAL_HASH: 'true',
      },
    };
  },

  async probe(config) {
    const response = await fetch(`${config.registry.value}/subjects`, {
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  },
};
