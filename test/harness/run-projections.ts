/**
 * Runs projections in a process of its own, for tests that kill it. The first argument is
 * the versions as JSON, e.g. {"inbox":123,"timeline":123}.
 */
import { loadConfig } from '@chat/config';
import { createLogger } from '@chat/observability';
import type { ProjectionName } from '@chat/views';
import { startProjections } from '../../apps/projectors/src/start-projections';

async function main() {
  const config = loadConfig();
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
