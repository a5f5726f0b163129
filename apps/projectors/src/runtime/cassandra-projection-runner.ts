import type { Client } from 'cassandra-driver';
import { CassandraProjectionStore, type CassandraProjection } from './cassandra-store';
import { ProjectionLane } from './projection-lane';
import {
  runProjectionLanes,
  type ProjectionRunner,
  type RunnerOptions,
} from './projection-consumer';

export type { CassandraProjection } from './cassandra-store';

/** A Cassandra projection as a lane, on a store of its own. */
export function cassandraProjectionLane(
  options: RunnerOptions & { cassandra: Client; keyspace: string; projection: CassandraProjection },
): ProjectionLane {
  return new ProjectionLane({ ...options, store: new CassandraProjectionStore(options) });
}

/** The projection alone on a consumer of its own (a rebuild, a test). */
export function createCassandraProjectionRunner(
  options: Parameters<typeof cassandraProjectionLane>[0],
): ProjectionRunner {
  return runProjectionLanes([cassandraProjectionLane(options)], options);
}
