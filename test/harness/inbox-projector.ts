import type { Config } from '@chat/config';
import { createDeadLetterPublisher, createEventCodec, type LogClient } from '@chat/events';
import type { Logger } from '@chat/observability';
import { createPgPool } from '@chat/storage';
import { inboxSchemaOf, PROJECTIONS, viewVersions } from '@chat/views';
import { inboxProjection } from '../../apps/projectors/src/inbox/inbox-projection';
import { createPostgresProjectionRunner } from '../../apps/projectors/src/runtime/postgres-projection-runner';

/**
 * Runs the inbox projection the readers use, in the test process: it joins the same consumer
 * group as any running projectors app, and positions keep the two from applying twice.
 */
export async function startInboxProjector(config: Config, kafka: LogClient, logger: Logger) {
  const pool = createPgPool(config, { max: 4 });
  const version = await viewVersions(PROJECTIONS.inbox, { pool }).ensureReadable();
  const runner = createPostgresProjectionRunner({
    kafka,
    codec: createEventCodec({ registryUrl: config.registry.value }),
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    pool,
    logger,
    projection: inboxProjection(version),
  });
  await runner.start();
  return {
    pool,
    /** The schema of the version it runs, the readers' version: what tests wait to see. */
    schema: inboxSchemaOf(version),
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}
