import {
  createEventConsumer,
  createLogAdmin,
  type DeadLetterPublisher,
  type EventBatch,
  type EventCodec,
  type LogClient,
} from '@chat/events';
import type { ConsumerGroupTimings } from '@chat/config';
import type { Logger } from '@chat/observability';
import { projectorGroupOf } from '@chat/views';
import type { Pool } from 'pg';
import { createLanesTogether } from './lanes-together';
import type { ProjectionLane } from './projection-lane';
import type { ProjectionStore, StoreKind } from './unit-of-work';

/** A running projection, or several sharing one consumer, whatever stores they write to. */
export interface ProjectionRunner {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly ready: boolean;
}

/** What every runner needs to consume the log. */
export interface RunnerOptions {
  kafka: LogClient;
  codec: EventCodec;
  deadLetters: DeadLetterPublisher;
  logger: Logger;
  /** Where parked conversations are kept, whatever store the projection writes to. */
  pool: Pool;
  /** How often requested resumes of parked conversations are looked for (default 1 s). */
  resumeIntervalMs?: number;
  /** Consumer group liveness: how soon a dead instance's partitions move (libs/config; its defaults when absent). */
  group?: ConsumerGroupTimings;
  /**
   * Partitions' batches applied at once (the consumer's default when absent). kafkajs fetches
   * again only once every batch of the last fetch is applied, so the topics' partition count
   * lets a fetch's batches run in one wave: with fewer, a record arriving meanwhile waits for
   * two or more (docs/benchmarks.md has the figures).
   */
  partitionsAtOnce?: number;
}

/**
 * Runs lanes on one consumer group: every record is fetched and decoded once and handed to
 * every lane that reads its topic, all at once. The group's offsets move only once every lane
 * has applied the batch, and a lane that failed makes the consumer retry the batch for all:
 * the others find it below their positions and skip it. Sharing is what makes a quiet system
 * cheap (one fetch, one decode and one heartbeat per record instead of one per projection);
 * its price is that one store down holds back every lane of the consumer, never that a lane
 * skips an event. Which lanes share is runLanesByStoreAndLag's rule.
 *
 * Lanes on one store whose units hold several lanes (Postgres) apply each batch in one unit, with
 * the batches of other partitions that arrive meanwhile (createLanesTogether); if that throws,
 * the batch goes to each of them on its own, where a refusal parks a conversation in the
 * refusing lane only.
 */
export function runProjectionLanes(
  lanes: ProjectionLane[],
  options: Pick<
    RunnerOptions,
    'kafka' | 'codec' | 'deadLetters' | 'logger' | 'group' | 'partitionsAtOnce'
  >,
): ProjectionRunner {
  const topics = [...new Set(lanes.flatMap((lane) => lane.topics))];
  const lanesOf = (topic: string) => lanes.filter((lane) => lane.topics.includes(topic));

  const eachOnItsOwn = (of: ProjectionLane[], batch: EventBatch) =>
    allSettledOrThrow(of.map((lane) => lane.handleBatch(batch)));

  // One group commit per store: a unit holds lanes of one store only.
  const groupCommits = new Map<ProjectionStore, ReturnType<typeof createLanesTogether>>();
  const groupCommitOf = (store: ProjectionStore) => {
    if (!groupCommits.has(store)) groupCommits.set(store, createLanesTogether());
    return groupCommits.get(store)!;
  };
  async function together(of: ProjectionLane[], batch: EventBatch) {
    try {
      await groupCommitOf(of[0]!.store)({ lanes: of, batch });
    } catch (error) {
      options.logger.warn(
        { err: error, partition: batch.partition, lanes: of.map((lane) => lane.key) },
        'batch failed in the shared unit: applying it lane by lane',
      );
      await eachOnItsOwn(of, batch);
    }
  }

  async function handleBatch(batch: EventBatch) {
    const { sharing, alone } = bySharedStore(lanesOf(batch.topic));
    await allSettledOrThrow([
      eachOnItsOwn(alone, batch),
      ...sharing.map((of) => together(of, batch)),
    ]);
  }

  const consumer = createEventConsumer({
    kafka: options.kafka,
    codec: options.codec,
    deadLetters: options.deadLetters,
    logger: options.logger,
    groupId: projectorGroupOf(lanes.map((lane) => lane.key)),
    topics,
    fromBeginning: true,
    handleBatch,
    onJoin: (assigned) => {
      for (const lane of lanes) lane.onJoin(assigned);
    },
    // The lane furthest behind says where a partition is read from; the others skip up to theirs.
    positionOf: async (topic, partition) => {
      const positions = await Promise.all(
        lanesOf(topic).map((lane) => lane.positionOf(topic, partition)),
      );
      return positions.reduce((low, position) => (position < low ? position : low));
    },
    group: options.group,
    partitionsConcurrently: options.partitionsAtOnce,
  });
  return {
    async start() {
      await Promise.all(lanes.map((lane) => lane.start()));
      await consumer.start();
    },
    async stop() {
      await consumer.stop();
      await Promise.all(lanes.map((lane) => lane.stop()));
    },
    get ready() {
      return consumer.ready;
    },
  };
}

/** Waits for every task, even when one fails early (no lane is left mid-batch), then throws the first failure. */
async function allSettledOrThrow(tasks: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The lanes whose store applies several lanes in one unit, by store; the others. */
function bySharedStore(lanes: ProjectionLane[]) {
  const sharing = new Map<ProjectionStore, ProjectionLane[]>();
  const alone: ProjectionLane[] = [];
  for (const lane of lanes) {
    if (lane.store.sharesUnits) sharing.set(lane.store, [...(sharing.get(lane.store) ?? []), lane]);
    else alone.push(lane);
  }
  return { sharing: [...sharing.values()], alone };
}

/**
 * How far behind the end of the log a lane may be and still share the consumer: what a quick
 * restart leaves behind. A lane further back would hold the live views (and the command API's
 * freshness check) back for its catch-up.
 */
export const SHARED_LAG_LIMIT = 1_000n;

/**
 * Runs the lanes on as few consumers as keep one view's trouble from reaching another's:
 *  - lanes writing to the same store share a consumer. A store that is down or slow holds back
 *    only the views kept in it, which cannot move anyway: the inbox, which the command API
 *    waits on before a refusal, never waits for Cassandra or Redis.
 *  - a lane further behind than SHARED_LAG_LIMIT (a projection new in this release, a version
 *    at offset 0) runs on a consumer of its own: the shared consumer reads from the lowest
 *    position of its lanes and moves at the pace of the slowest, so it would hold the others
 *    back for its whole catch-up. Caught up, it joins them at the next start.
 */
export async function runLanesByStoreAndLag(
  lanes: ProjectionLane[],
  options: Pick<
    RunnerOptions,
    'kafka' | 'codec' | 'deadLetters' | 'logger' | 'group' | 'partitionsAtOnce'
  > & {
    /** SHARED_LAG_LIMIT unless given (tests). */
    sharedLagLimit?: bigint;
  },
): Promise<ProjectionRunner> {
  const limit = options.sharedLagLimit ?? SHARED_LAG_LIMIT;
  const ends = await logEndsOf(options.kafka, [...new Set(lanes.flatMap((lane) => lane.topics))]);
  const lagOf = async (lane: ProjectionLane) => {
    let lag = 0n;
    for (const topic of lane.topics) {
      for (const { partition, high } of ends.get(topic) ?? []) {
        const behind = high - (await lane.positionOf(topic, partition));
        if (behind > 0n) lag += behind;
      }
    }
    return lag;
  };
  const sharing = new Map<StoreKind, ProjectionLane[]>();
  const alone: ProjectionLane[] = [];
  for (const lane of lanes) {
    const lag = await lagOf(lane);
    if (lag > limit) {
      options.logger.info(
        { projection: lane.key, lag: lag.toString() },
        'far behind: own consumer',
      );
      alone.push(lane);
    } else {
      sharing.set(lane.writesTo, [...(sharing.get(lane.writesTo) ?? []), lane]);
    }
  }
  const runners = [...sharing.values(), ...alone.map((lane) => [lane])].map((group) =>
    runProjectionLanes(group, options),
  );
  return {
    async start() {
      await Promise.all(runners.map((runner) => runner.start()));
    },
    async stop() {
      await Promise.all(runners.map((runner) => runner.stop()));
    },
    get ready() {
      return runners.every((runner) => runner.ready);
    },
  };
}

/** The end offset of every partition of the topics. */
async function logEndsOf(kafka: LogClient, topics: string[]) {
  const admin = await createLogAdmin(kafka);
  const ends = new Map<string, Array<{ partition: number; high: bigint }>>();
  try {
    for (const topic of topics) {
      const offsets = await admin.partitionOffsets(topic);
      ends.set(
        topic,
        offsets.map(({ partition, high }) => ({ partition, high: BigInt(high) })),
      );
    }
  } finally {
    await admin.disconnect();
  }
  return ends;
}
