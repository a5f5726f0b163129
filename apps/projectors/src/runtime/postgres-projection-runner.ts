import { ProjectionLane } from './projection-lane';
import {
  runProjectionLanes,
  type ProjectionRunner,
  type RunnerOptions,
} from './projection-consumer';
import { PostgresProjectionStore, type PostgresProjection } from './postgres-store';

export type { PostgresProjection } from './postgres-store';
export type { ProjectionRunner } from './projection-consumer';

/**
 * A Postgres projection as a lane. Lanes given the same store apply a consumer's batches in one
 * transaction (see createLanesTogether); without one, the lane has a store of its own.
 */
export function postgresProjectionLane(
  options: RunnerOptions & { projection: PostgresProjection; store?: PostgresProjectionStore },
): ProjectionLane {
  const store = options.store ?? new PostgresProjectionStore(options.pool);
  store.add(options.projection);
  return new ProjectionLane({ ...options, store });
}

/** The projection alone on a consumer of its own (a rebuild, a test). */
export function createPostgresProjectionRunner(
  options: Parameters<typeof postgresProjectionLane>[0],
): ProjectionRunner {
  return runProjectionLanes([postgresProjectionLane(options)], options);
}
