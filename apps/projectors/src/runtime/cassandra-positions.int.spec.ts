import { randomUUID } from 'node:crypto';
import { types } from 'cassandra-driver';
import {
  createDeadLetterPublisher,
  createEventCodec,
  TOPICS,
  type ConsumedEvent,
} from '@chat/events';
import { envelopeFor, eventLogFixture } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import { versionKey } from '@chat/views';
import { cassandraProjectionLane, type CassandraProjection } from './cassandra-projection-runner';

/**
 * A Cassandra lane starts each batch from the position it last wrote for the partition, not
 * from a read per batch; after a rebalance or a failure it reads the stored one again, so what
 * another instance applied meanwhile is skipped, and nothing is ever skipped that was not.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('cassandra-positions');
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const keyspace = config.cassandra.keyspace;
const version = 100000 + Math.floor(Math.random() * 1000000);
const key = versionKey('timeline', version);
const topic = TOPICS.conversations;

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  await cassandra.execute(`DELETE FROM ${keyspace}.projection_positions WHERE projection = ?`, [
    key,
  ]);
  await pool.query('DELETE FROM projection_parked WHERE projection = $1', [key]);
  await Promise.all([cassandra.shutdown(), pool.end()]);
});

/** A lane on partition `partition` whose projection records the offsets it applies. */
function recordingLane(options: { failOnce?: string } = {}) {
  const applied: string[] = [];
  let failOnce = options.failOnce;
  const projection: CassandraProjection = {
    name: 'timeline',
    version,
    topics: [topic],
    async apply(events) {
      if (events.some((e) => e.offset === failOnce)) {
        failOnce = undefined;
        throw new Error('store unavailable for a moment');
      }
      applied.push(...events.map((e) => e.offset));
      return { applied: events.length, ignored: 0 };
    },
  };
  const execute = jest.spyOn(cassandra, 'execute');
  const lane = cassandraProjectionLane({
    kafka,
    codec: createEventCodec({ registryUrl }),
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    logger,
    pool,
    cassandra,
    keyspace,
    projection,
  });
  const positionReads = () =>
    execute.mock.calls.filter(([query]) => String(query).includes('SELECT next_offset')).length;
  return { lane, applied, positionReads };
}

function batchOf(partition: number, offsets: number[]) {
  const conversationId = `c-${randomUUID()}`;
  const events: ConsumedEvent[] = offsets.map((offset) => ({
    event: {
      type: 'MessagesRead',
      envelope: envelopeFor('MessagesRead'),
      conversationId,
      userId: 'u',
      upToSeq: offset,
    },
    topic,
    partition,
    offset: String(offset),
    timestamp: Date.now(),
  }));
  return {
    topic,
    partition,
    events,
    lastOffset: String(offsets.at(-1)!),
    highWatermark: '0',
    heartbeat: async () => undefined,
  };
}

describe("a Cassandra lane's position", () => {
  it('is read once, then each batch starts from the position the lane wrote', async () => {
    const { lane, applied, positionReads } = recordingLane();
    await lane.handleBatch(batchOf(0, [0, 1]));
    await lane.handleBatch(batchOf(0, [2, 3]));
    await lane.handleBatch(batchOf(0, [4]));
    // A batch redelivered below the position is skipped without a read either.
    await lane.handleBatch(batchOf(0, [3, 4]));
    expect(applied).toEqual(['0', '1', '2', '3', '4']);
    expect(positionReads()).toBe(1);
  });

  it('is read again after a rebalance, so what another instance applied is skipped', async () => {
    const { lane, applied, positionReads } = recordingLane();
    await lane.handleBatch(batchOf(1, [0, 1]));
    // Another instance held the partition meanwhile and moved the position to 10.
    await cassandra.execute(
      `UPDATE ${keyspace}.projection_positions USING TIMESTAMP ?
         SET next_offset = ?, updated_at = ? WHERE projection = ? AND topic = ? AND partition = ?`,
      [types.Long.fromNumber(10), types.Long.fromNumber(10), new Date(), key, topic, 1],
      { prepare: true },
    );
    lane.onJoin({ [topic]: [1] });
    await lane.handleBatch(batchOf(1, [5, 6]));
    await lane.handleBatch(batchOf(1, [10]));
    expect(applied).toEqual(['0', '1', '10']);
    expect(positionReads()).toBe(2);
  });

  it('is read again after a failed batch, and the retry applies it', async () => {
    const { lane, applied, positionReads } = recordingLane({ failOnce: '2' });
    await lane.handleBatch(batchOf(2, [0, 1]));
    await expect(lane.handleBatch(batchOf(2, [2, 3]))).rejects.toThrow('unavailable');
    await lane.handleBatch(batchOf(2, [2, 3]));
    expect(applied).toEqual(['0', '1', '2', '3']);
    expect(positionReads()).toBe(2);
  });
});
