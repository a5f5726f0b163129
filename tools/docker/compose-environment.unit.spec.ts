import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, type Env } from '@chat/config';

/**
 * Compose runs the apps from the image with each service's environment: whatever the image
 * sets (NODE_ENV=production) under what the service sets. Each must load the way an app
 * loads it at start, or `docker compose up` ends with every app refusing to start.
 */
const ROOT = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { build?: unknown; environment?: Record<string, unknown> }>;
};
const imageEnv: Env = Object.fromEntries(
  [
    ...readFileSync(join(ROOT, 'tools/docker/Dockerfile'), 'utf8').matchAll(/^ENV (\w+)=(\S+)$/gm),
  ].map(([, name, value]) => [name!, value!]),
);
const ourServices = Object.entries(compose.services).filter(([, service]) => service.build);

const environmentOf = (service: { environment?: Record<string, unknown> }): Env => ({
  ...imageEnv,
  ...Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]),
  ),
});

describe('the compose file', () => {
  it('runs the three apps and the bootstrap from the image, which sets NODE_ENV=production', () => {
    expect(ourServices.map(([name]) => name).sort()).toEqual([
      'bootstrap',
      'command-api',
      'gateway',
      'projectors',
    ]);
    expect(imageEnv.NODE_ENV).toBe('production');
  });

  it.each(ourServices)('gives %s an environment the config loader accepts', (_name, service) => {
    expect(() => loadConfig(environmentOf(service))).not.toThrow();
  });

  it('says it is a local stack, since it keeps the public development secrets', () => {
    for (const [, service] of ourServices) {
      const config = loadConfig(environmentOf(service));
      expect([config.environment, config.auth.devTokens]).toEqual(['local', true]);
    }
  });
});
