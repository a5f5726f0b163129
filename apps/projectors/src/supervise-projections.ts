import type { Config } from '@chat/config';
import { createLogger, type Logger } from '@chat/observability';
import { createPgPool } from '@chat/storage';
import { type ProjectionName, versionKey } from '@chat/views';
import {
  startProjections,
  type ProjectionClients,
  type RunningProjections,
} from './start-projections';

export interface SupervisedProjections {
  /** Version keys running now, e.g. `inbox_v1`. */
  running(): string[];
  stop(): Promise<void>;
}

/**
 * The projectors app: runs every registered version of every projection, the one readers use
 * and any being rebuilt beside it, and follows the registry: a version an admin registers
 * (`chat-admin rebuild`) starts here within `intervalMs`; a dropped one stops. So a rebuild
 * keeps being maintained after its readers switch, without a restart.
 */
export async function superviseProjections(
  config: Config,
  options: {
    logger?: Logger;
    intervalMs?: number;
    /** How a registered version is started (a test makes one fail). */
    start?: typeof startProjections;
    /** The app's connections, shared by every version; without them each opens its own. */
    clients?: ProjectionClients;
  } = {},
): Promise<SupervisedProjections> {
  const start = options.start ?? startProjections;
  const logger = options.logger ?? createLogger('projectors', config.logLevel);
  const clients = options.clients;
  const pool = clients?.pool ?? createPgPool(config, { max: 2, logger });
  const running = new Map<string, RunningProjections>();
  let stopped = false;

  // The first start creates version 1 of each projection and points readers at it.
  const initial = await startProjections(config, { logger, clients });
  for (const [projection, version] of Object.entries(initial.versions)) {
    running.set(versionKey(projection as ProjectionName, version), initial);
  }

  async function follow() {
    const { rows } = await pool.query<{ projection: ProjectionName; version: number }>(
      'SELECT projection, version FROM projection_versions WHERE dropped_at IS NULL',
    );
    const registered = new Set(rows.map((r) => versionKey(r.projection, r.version)));
    for (const { projection, version } of rows) {
      const key = versionKey(projection, version);
      if (running.has(key) || stopped) continue;
      logger.info({ projection: key }, 'starting a registered version');
      try {
        running.set(
          key,
          await start(config, {
            only: [projection],
            versions: { [projection]: version },
            logger,
            clients,
          }),
        );
      } catch (error) {
        // One version that cannot start (dropped since the registry was read, a store down)
        // must not stop the others, nor the app: the next round tries it again if it is
        // still registered.
        logger.warn({ err: error, projection: key }, 'could not start a registered version');
      }
    }
    for (const [key, projections] of running) {
      if (registered.has(key) || projections === initial) continue;
      logger.info({ projection: key }, 'version dropped: stopping it');
      running.delete(key);
      await projections.stop();
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(() => {
      follow()
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not read the version registry'),
        )
        .finally(() => {
          if (!stopped) loop();
        });
    }, options.intervalMs ?? 2000);
  };
  await follow();
  loop();

  return {
    running: () => [...running.keys()].sort(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...new Set(running.values())].map((projections) => projections.stop()));
      if (!clients) await pool.end();
    },
  };
}
