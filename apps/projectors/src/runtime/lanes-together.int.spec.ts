import { randomUUID } from 'node:crypto';
import {
  createDeadLetterPublisher,
  createEventAppender,
  createEventCodec,
  createLogAdmin,
  partitionKeyOf,
  TOPICS,
  type EventBatch,
} from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { groupCreated, messageSent } from '@chat/domain/testing';
import { createPgPool } from '@chat/storage';
import { listParked, PROJECTIONS, versionKey } from '@chat/views';
import { createLanesTogether } from './lanes-together';
import { postgresProjectionLane, type PostgresProjection } from './postgres-projection-runner';
import { PostgresProjectionStore } from './postgres-store';
import { runProjectionLanes } from './projection-consumer';
import { RefusedWriteError } from './store-refusal';

/**
 * Postgres views on one consumer apply each batch in one transaction, and still each with its
 * own guarantees: every event once per view, and a refusal parks a conversation only in the
 * view that refused it.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('postgres-lanes-together');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 4 });
const appender = createEventAppender({ kafka, codec, logger });
const run = randomUUID().slice(0, 8);
const table = `lanes_together_${run}`;
const versions = [0, 1].map(() => 100000 + Math.floor(Math.random() * 1000000));
const keys = versions.map((v) => versionKey(PROJECTIONS.search, v));
const refused = `together-${run}-refused`;

/** A view that records each event of this run it applies, with the transaction it ran in. */
const recording = (version: number, refuses?: string): PostgresProjection => ({
  name: PROJECTIONS.search,
  version,
  topics: [TOPICS.conversations],
  async apply(db, events) {
    const ours = events.filter((e) => partitionKeyOf(e.event).startsWith(`together-${run}`));
    if (ours.some((e) => partitionKeyOf(e.event) === refuses)) {
      throw new RefusedWriteError('this view cannot hold that conversation');
    }
    for (const { event } of ours) {
      await db.query(
        `INSERT INTO ${table} (view, event_id, conversation_id, tx) VALUES ($1, $2, $3, txid_current())`,
        [version, event.envelope.eventId, partitionKeyOf(event)],
      );
    }
    return { ignored: 0 };
  },
});

async function startAtLogEnd() {
  const admin = await createLogAdmin(kafka);
  const ends = await admin.partitionOffsets(TOPICS.conversations);
  await admin.disconnect();
  for (const key of keys) {
    for (const { partition, high } of ends) {
      await pool.query(
        `INSERT INTO projection_positions (projection, topic, partition, next_offset)
         VALUES ($1, $2, $3, $4)`,
        [key, TOPICS.conversations, partition, high],
      );
    }
  }
}

const applied = async () =>
  (
    await pool.query<{ view: number; event_id: string; conversation_id: string; tx: string }>(
      `SELECT view, event_id, conversation_id, tx::text FROM ${table}`,
    )
  ).rows;

beforeAll(async () => {
  await pool.query(
    `CREATE TABLE ${table} (view int, event_id text, conversation_id text, tx bigint)`,
  );
  await startAtLogEnd();
  await appender.connect();
});

afterAll(async () => {
  await appender.disconnect();
  await pool.query(`DROP TABLE ${table}`);
  await pool.query('DELETE FROM projection_positions WHERE projection = ANY($1)', [keys]);
  await pool.query('DELETE FROM projection_parked WHERE projection = ANY($1)', [keys]);
  await pool.end();
});

it('applies a batch to every view in one transaction, each event once, and parks a refused conversation only in the view that refused it', async () => {
  const store = new PostgresProjectionStore(pool);
  const lanes = versions.map((version, i) =>
    postgresProjectionLane({
      store,
      kafka,
      codec,
      deadLetters: createDeadLetterPublisher({ kafka, logger }),
      logger,
      pool,
      resumeIntervalMs: 60000,
      projection: recording(version, i === 1 ? refused : undefined),
    }),
  );
  const runner = runProjectionLanes(lanes, {
    kafka,
    codec,
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    logger,
  });
  await runner.start();
  try {
    const flowing = [0, 1, 2].map((i) => `together-${run}-${i}`);
    const first = flowing.flatMap((id) => [
      groupCreated('ann', ['ben'], id),
      messageSent('ann', `${id}-m1`, id),
      messageSent('ben', `${id}-m2`, id),
    ]);
    await appender.append(first);
    await waitFor('both views to apply the first events', async () =>
      (await applied()).length >= 2 * first.length ? true : undefined,
    );
    const rows = await applied();
    for (const event of first) {
      const mine = rows.filter((r) => r.event_id === event.envelope.eventId);
      expect(mine.map((r) => r.view).sort()).toEqual([...versions].sort());
      // One transaction for both views.
      expect(mine[0]!.tx).toBe(mine[1]!.tx);
    }

    // One event refused by the second view, beside others it can hold, in one append.
    const second = [
      groupCreated('ann', ['ben'], refused),
      ...flowing.map((id) => messageSent('ann', `${id}-m3`, id)),
    ];
    await appender.append(second);
    await waitFor('the second view to park the refused conversation', async () =>
      (await listParked(pool, keys[1]!)).find((p) => p.conversationId === refused),
    );
    await waitFor('the views to apply the rest', async () =>
      (await applied()).length >= 2 * first.length + 2 * second.length - 1 ? true : undefined,
    );
    const all = await applied();
    const of = (version: number) => all.filter((r) => r.view === version);
    // Every event once in each view: the rolled-back shared transaction left nothing.
    for (const version of versions) {
      const ids = of(version).map((r) => r.event_id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    expect(
      of(versions[0]!)
        .map((r) => r.event_id)
        .sort(),
    ).toEqual([...first, ...second].map((e) => e.envelope.eventId).sort());
    expect(
      of(versions[1]!)
        .map((r) => r.event_id)
        .sort(),
    ).toEqual([...first, ...second.slice(1)].map((e) => e.envelope.eventId).sort());
    expect(await listParked(pool, keys[0]!)).toEqual([]);
  } finally {
    await runner.stop();
  }
}, 90000);

describe('shared transactions', () => {
  const topic = `lanes-together-${run}`;
  /** A lane recording which offsets it applied in which transaction; `fails` throws instead. */
  const lane = (store: PostgresProjectionStore, version: number, fails = false) => {
    const applied: Array<{ offset: string; tx: string }> = [];
    const projection: PostgresProjection = {
      name: PROJECTIONS.search,
      version,
      topics: [topic],
      async apply(db, events) {
        if (fails) throw new Error('store down');
        const { rows } = await db.query<{ tx: string }>('SELECT txid_current()::text AS tx');
        applied.push(...events.map((e) => ({ offset: e.offset, tx: rows[0]!.tx })));
        return { ignored: 0 };
      },
    };
    const deadLetters = createDeadLetterPublisher({ kafka, logger });
    const lane = postgresProjectionLane({
      kafka,
      codec,
      deadLetters,
      logger,
      pool,
      store,
      projection,
    });
    return { lane, applied };
  };
  const batchOf = (partition: number, offsets: number[]): EventBatch => ({
    topic,
    partition,
    events: offsets.map((offset) => ({
      event: messageSent('ann', `m-${partition}-${offset}`, `c-${partition}`),
      topic,
      partition,
      offset: String(offset),
      timestamp: Date.now(),
    })),
    lastOffset: String(offsets[offsets.length - 1]),
    highWatermark: String(offsets[offsets.length - 1]! + 1),
    heartbeat: async () => undefined,
  });
  const positions = async (key: string) =>
    (
      await pool.query<{ partition: number; next_offset: string }>(
        `SELECT partition, next_offset FROM projection_positions
         WHERE projection = $1 AND topic = $2 ORDER BY partition`,
        [key, topic],
      )
    ).rows.map((r) => [r.partition, Number(r.next_offset)]);
  const sharedVersions = [0, 1].map(() => 100000 + Math.floor(Math.random() * 1e6));
  const sharedKeys = sharedVersions.map((v) => versionKey(PROJECTIONS.search, v));
  afterAll(() =>
    pool.query('DELETE FROM projection_positions WHERE topic = $1', [topic]).then(() => undefined),
  );

  it('puts the batches that arrive while a transaction runs into the next one, and skips what a lane has applied', async () => {
    const store = new PostgresProjectionStore(pool);
    const [a, b] = sharedVersions.map((version) => lane(store, version));
    const lanes = [a!.lane, b!.lane];
    const together = createLanesTogether();
    await Promise.all([
      together({ lanes, batch: batchOf(0, [0, 1]) }),
      together({ lanes, batch: batchOf(1, [0]) }),
      together({ lanes, batch: batchOf(2, [0, 1, 2]) }),
    ]);
    // The first went alone; the two that queued behind it went together, for both lanes.
    expect(a!.applied.map((x) => x.offset)).toEqual(['0', '1', '0', '0', '1', '2']);
    expect(a!.applied.map((x) => x.tx)).toEqual(b!.applied.map((x) => x.tx));
    expect(a!.applied[0]!.tx).not.toBe(a!.applied[2]!.tx);
    expect(new Set(a!.applied.slice(2).map((x) => x.tx)).size).toBe(1);
    for (const key of sharedKeys) {
      expect(await positions(key)).toEqual([
        [0, 2],
        [1, 1],
        [2, 3],
      ]);
    }

    // A redelivery (after a crash, a rebalance) finds the positions past it: nothing twice.
    await together({ lanes, batch: batchOf(2, [1, 2, 3]) });
    expect(a!.applied.slice(6).map((x) => x.offset)).toEqual(['3']);
    expect(await positions(sharedKeys[0]!)).toContainEqual([2, 4]);
  });

  it('rolls back every lane and batch of a transaction that throws, and says so to each batch', async () => {
    const store = new PostgresProjectionStore(pool);
    const healthy = lane(store, sharedVersions[0]!);
    const failing = lane(store, sharedVersions[1]!, true);
    const before = await Promise.all(sharedKeys.map(positions));
    const results = await Promise.allSettled([
      createLanesTogether()({ lanes: [healthy.lane, failing.lane], batch: batchOf(0, [2, 3]) }),
    ]);
    expect(results[0]!.status).toBe('rejected');
    expect(await Promise.all(sharedKeys.map(positions))).toEqual(before);
    // What the healthy lane wrote went with the rollback; its position did not move.
    expect(healthy.applied.map((x) => x.offset)).toEqual(['2', '3']);
  });
});
