/**
 * Runs projections in a process of its own, for tests that kill it. The first argument is
 * the versions as JSON, e.g. {"inbox":123,"timeline":123}; the second, optional, settings
 * over the environment as JSON, e.g. {"CHAT_PUSH_RATE_PER_SECOND":"10"}.
 */
import { loadConfigWith } from '@chat/config';
import { createLogger } from '@chat/observability';
import type { ProjectionName } from '@chat/views';
import { startProjections } from '../../apps/projectors/src/start-projections';

async function main() {
  const config = loadConfigWith(JSON.parse(process.argv[3] ?? '{}') as Record<string, string>);
  const versions = JSON.parse(process.argv[2] ?? '{}') as Partial<Record<ProjectionName, number>>;
  const running = await startProjections(config, {
    only: Object.keys(versions) as ProjectionName[],
    versions,
    logger: createLogger('projections-child', 'error'),
  });
  process.stdout.write('started\n');
  process.on('SIGTERM', () => {
    void running.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
