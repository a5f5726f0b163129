import { randomUUID } from 'node:crypto';
import {
  createDeadLetterPublisher,
  createEventAppender,
  createEventCodec,
  createLogAdmin,
  TOPICS,
} from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { groupCreated, messageSent } from '@chat/domain/testing';
import { createPgPool } from '@chat/storage';
import { PROJECTIONS, projectorGroupOf, versionKey } from '@chat/views';
import { positionId, type PositionRef } from './position-ref';
import { runLanesByStoreAndLag, runProjectionLanes } from './projection-consumer';
import { ProjectionLane } from './projection-lane';
import type { ProjectionStore, StoreKind } from './unit-of-work';

/**
 * Projections sharing one consumer: each record is read once for all of them, and a store that
 * fails holds every lane back until it is retried, with no lane skipping an event or applying
 * one twice.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('shared-consumer');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 2 });
const appender = createEventAppender({ kafka, codec, logger });
const run = randomUUID().slice(0, 8);
const fresh = () => 100000 + Math.floor(Math.random() * 1000000);

/** A store in memory: its position per partition, and every event of this run it applied. */
function memoryStore(startAt: Map<number, bigint>, failFirst = 0, kind: StoreKind = 'postgres') {
  const positions = new Map(startAt);
  const applied: string[] = [];
  let failures = 0;
  const store: ProjectionStore = {
    kind,
    sharesUnits: false,
    async run(refs, work) {
      if (failures < failFirst) {
        failures++;
        throw new Error('store down');
      }
      const moves: Array<[PositionRef, bigint]> = [];
      const result = await work({
        positions: new Map(
          refs.map((ref) => [positionId(ref), positions.get(ref.partition) ?? 0n]),
        ),
        holdsPositions: true,
        async apply(_key, events) {
          for (const { event } of events) {
            if ('conversationId' in event && event.conversationId.startsWith(`shared-${run}`)) {
              applied.push(`${event.type}:${event.envelope.eventId}`);
            }
          }
          return { applied: events.length, ignored: 0 };
        },
        move: (ref, next) => moves.push([ref, next]),
        alongside: () => {
          throw new Error('nothing is parked here');
        },
      });
      for (const [ref, next] of moves) positions.set(ref.partition, next);
      return result;
    },
    positionOf: async ({ partition }) => positions.get(partition) ?? 0n,
    forget: () => undefined,
  };
  return { store, applied, failures: () => failures };
}

async function logEnds() {
  const admin = await createLogAdmin(kafka);
  const ends = await admin.partitionOffsets(TOPICS.conversations);
  await admin.disconnect();
  return new Map(ends.map(({ partition, high }) => [partition, BigInt(high)]));
}

const laneOf = (store: ProjectionStore, version: number) =>
  new ProjectionLane({
    kafka,
    codec,
    logger,
    pool,
    projection: { name: PROJECTIONS.inbox, version, topics: [TOPICS.conversations] },
    store,
  });

async function membersOf(versionSets: number[][]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups(
      versionSets.map((set) => projectorGroupOf(set.map((v) => versionKey(PROJECTIONS.inbox, v)))),
    );
    return groups.map((g) => g.members.length);
  } finally {
    await admin.disconnect();
  }
}

afterAll(async () => {
  await appender.disconnect();
  await pool.end();
});

describe('projections on one consumer', () => {
  it('gives every lane every event once, even when one lane fails its batches for a while', async () => {
    const endOf = await logEnds();
    const healthy = memoryStore(endOf);
    const failing = memoryStore(endOf, 3);
    const versions = [fresh(), fresh()];
    const lanes = [healthy, failing].map(({ store }, i) => laneOf(store, versions[i]!));
    const runner = runProjectionLanes(lanes, {
      kafka,
      codec,
      deadLetters: createDeadLetterPublisher({ kafka, logger }),
      logger,
    });
    await runner.start();
    try {
      const conversations = Array.from({ length: 6 }, (_, i) => `shared-${run}-${i}`);
      const events = conversations.flatMap((id) => [
        groupCreated('ann', ['ben'], id),
        messageSent('ann', `${id}-m1`, id),
        messageSent('ben', `${id}-m2`, id),
      ]);
      await appender.append(events);

      const expected = events.map((e) => `${e.type}:${e.envelope.eventId}`).sort();
      await waitFor(
        'both lanes to apply every event',
        () =>
          healthy.applied.length >= expected.length && failing.applied.length >= expected.length
            ? true
            : undefined,
        { timeoutMs: 30000 },
      );
      expect(failing.failures()).toBe(3);
      // The retries of the failing lane's batches reached the healthy lane too: it skipped them.
      expect([...healthy.applied].sort()).toEqual(expected);
      expect([...failing.applied].sort()).toEqual(expected);

      // One group for both, named by both versions.
      expect(await membersOf([versions])).toEqual([1]);
    } finally {
      await runner.stop();
    }
  }, 90000);

  it('gives a lane far behind the log a consumer of its own, so the others do not wait for its catch-up', async () => {
    const before = await logEnds();
    const conversation = `shared-${run}-behind`;
    const backlog = [
      groupCreated('ann', ['ben'], conversation),
      ...Array.from({ length: 20 }, (_, i) =>
        messageSent('ann', `${conversation}-${i}`, conversation),
      ),
    ];
    await appender.append(backlog);
    const now = await logEnds();
    const [first, second, behind] = [memoryStore(now), memoryStore(now), memoryStore(before)];
    const versions = [fresh(), fresh(), fresh()];
    const runner = await runLanesByStoreAndLag(
      [first, second, behind].map(({ store }, i) => laneOf(store, versions[i]!)),
      {
        kafka,
        codec,
        deadLetters: createDeadLetterPublisher({ kafka, logger }),
        logger,
        sharedLagLimit: 10n,
      },
    );
    await runner.start();
    try {
      const later = messageSent('ben', `${conversation}-later`, conversation);
      await appender.append([later]);
      const all = [...backlog, later].map((e) => `${e.type}:${e.envelope.eventId}`).sort();
      await waitFor(
        'every lane to apply what it has not',
        () =>
          behind.applied.length >= all.length &&
          first.applied.length >= 1 &&
          second.applied.length >= 1
            ? true
            : undefined,
        { timeoutMs: 30000 },
      );
      expect([...behind.applied].sort()).toEqual(all);
      expect(first.applied).toEqual([`MessageSent:${later.envelope.eventId}`]);
      expect(second.applied).toEqual([`MessageSent:${later.envelope.eventId}`]);
      // The two caught up share a group; the one behind has its own.
      expect(await membersOf([[versions[0]!, versions[1]!], [versions[2]!]])).toEqual([1, 1]);
    } finally {
      await runner.stop();
    }
  }, 90000);

  it('gives lanes of different stores consumers of their own, so one store down holds back only its own views', async () => {
    const endOf = await logEnds();
    const postgres = memoryStore(endOf, 0, 'postgres');
    const cassandraDown = memoryStore(endOf, Number.MAX_SAFE_INTEGER, 'cassandra');
    const versions = [fresh(), fresh()];
    const runner = await runLanesByStoreAndLag(
      [laneOf(postgres.store, versions[0]!), laneOf(cassandraDown.store, versions[1]!)],
      { kafka, codec, deadLetters: createDeadLetterPublisher({ kafka, logger }), logger },
    );
    await runner.start();
    try {
      const conversation = `shared-${run}-stores`;
      const events = [
        groupCreated('ann', ['ben'], conversation),
        messageSent('ann', `${conversation}-m1`, conversation),
      ];
      await appender.append(events);
      await waitFor(
        'the lane whose store is up to apply every event',
        () => (postgres.applied.length >= events.length ? true : undefined),
        { timeoutMs: 30000 },
      );
      expect(postgres.applied).toEqual(events.map((e) => `${e.type}:${e.envelope.eventId}`));
      // The other store never took a batch, and was tried all along.
      expect(cassandraDown.applied).toEqual([]);
      expect(cassandraDown.failures()).toBeGreaterThan(0);
      expect(await membersOf([[versions[0]!], [versions[1]!]])).toEqual([1, 1]);
    } finally {
      await runner.stop();
    }
  }, 90000);
});
