import type { Redis } from 'ioredis';
import { ProjectionLane } from './projection-lane';
import {
  runProjectionLanes,
  type ProjectionRunner,
  type RunnerOptions,
} from './projection-consumer';
import { RedisProjectionStore, type RedisProjection } from './redis-store';

export type { RedisProjection } from './redis-store';

/** A Redis projection as a lane, on a store (and a connection) of its own. */
export function redisProjectionLane(
  options: RunnerOptions & { redis: Redis; projection: RedisProjection },
): ProjectionLane {
  return new ProjectionLane({ ...options, store: new RedisProjectionStore(options) });
}

/** The projection alone on a consumer of its own (a rebuild, a test). */
export function createRedisProjectionRunner(
  options: Parameters<typeof redisProjectionLane>[0],
): ProjectionRunner {
  return runProjectionLanes([redisProjectionLane(options)], options);
}
