import { randomUUID } from 'node:crypto';
import {
  createDeadLetterPublisher,
  createEventAppender,
  createEventCodec,
  partitionKeyOf,
  TOPICS,
  type ChatEvent,
  type ConsumedEvent,
} from '@chat/events';
import { envelopeFor, eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { listParked, presenceKeysOf, versionKey } from '@chat/views';
import { createCassandraProjectionRunner } from './cassandra-projection-runner';
import type { ProjectionRunner, RunnerOptions } from './projection-consumer';
import { createRedisProjectionRunner } from './redis-projection-runner';
import { RefusedWriteError } from './store-refusal';

/**
 * The Cassandra and Redis runners park the same way as the Postgres one: a conversation (a user,
 * on the presence topic) whose event the store refuses is held, the others flow, and a restart
 * with the refusal fixed applies the held events in log order.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('parking-stores');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 4 });
const cassandra = createCassandraClient(config);
const redis = createRedis(config);
// WATCH belongs to a connection: each Redis runner has its own.
const runnerConnections: Array<ReturnType<typeof createRedis>> = [];
const runnerRedis = () => {
  const connection = createRedis(config);
  runnerConnections.push(connection);
  return connection;
};
const keyspace = config.cassandra.keyspace;
const appender = createEventAppender({ kafka, codec, logger });
const version = 100000 + Math.floor(Math.random() * 1000000);
const common = (): RunnerOptions => ({
  kafka,
  codec,
  deadLetters: createDeadLetterPublisher({ kafka, logger }),
  logger,
  pool,
  resumeIntervalMs: 200,
});

beforeAll(() => appender.connect());
afterAll(async () => {
  await appender.disconnect();
  for (const projection of ['timeline', 'presence'] as const) {
    await pool.query('DELETE FROM projection_parked WHERE projection = $1', [
      versionKey(projection, version),
    ]);
  }
  await cassandra.execute(`DELETE FROM ${keyspace}.projection_positions WHERE projection = ?`, [
    versionKey('timeline', version),
  ]);
  const keys = await redis.keys(`${presenceKeysOf(version).prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  [redis, ...runnerConnections].forEach((connection) => connection.disconnect());
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

/** What a store applied, per log key, in the order it applied it (no repeats). */
const applied = new Map<string, string[]>();
const record = (events: ConsumedEvent[]) => {
  for (const { event } of events) {
    const seen = applied.get(partitionKeyOf(event)) ?? [];
    if (!seen.includes(event.envelope.eventId)) seen.push(event.envelope.eventId);
    applied.set(partitionKeyOf(event), seen);
  }
};

const cases: Array<{
  store: string;
  projection: 'timeline' | 'presence';
  events: (key: string) => ChatEvent[];
  runner: (refused: string | undefined) => ProjectionRunner;
}> = [
  {
    store: 'Cassandra',
    projection: 'timeline',
    events: (conversationId) => [
      {
        type: 'MessagesRead',
        envelope: envelopeFor('MessagesRead'),
        conversationId,
        userId: 'u',
        upToSeq: 1,
      },
      {
        type: 'MessagesRead',
        envelope: envelopeFor('MessagesRead'),
        conversationId,
        userId: 'u',
        upToSeq: 2,
      },
    ],
    runner: (refused) =>
      createCassandraProjectionRunner({
        ...common(),
        cassandra,
        keyspace,
        projection: {
          name: 'timeline',
          version,
          topics: [TOPICS.conversations],
          async apply(events) {
            if (events.some((e) => partitionKeyOf(e.event) === refused)) {
              throw Object.assign(new Error('Invalid unset value'), { code: 0x2200 });
            }
            record(events);
            return { applied: events.length, ignored: 0 };
          },
        },
      }),
  },
  {
    store: 'Redis',
    projection: 'presence',
    events: (userId) => [
      {
        type: 'Heartbeat',
        envelope: envelopeFor('Heartbeat', userId),
        userId,
        deviceId: 'd',
        gatewayId: 'g',
      },
      {
        type: 'Heartbeat',
        envelope: envelopeFor('Heartbeat', userId),
        userId,
        deviceId: 'd',
        gatewayId: 'g',
      },
    ],
    runner: (refused) =>
      createRedisProjectionRunner({
        ...common(),
        redis: runnerRedis(),
        projection: {
          name: 'presence',
          version,
          topics: [TOPICS.presence],
          keys: presenceKeysOf(version),
          commandsFor(events) {
            if (events.some((e) => partitionKeyOf(e.event) === refused)) {
              throw new RefusedWriteError('no command for this event');
            }
            record(events);
            return [];
          },
        },
      }),
  },
];

describe.each(cases)('the $store runner', ({ projection, events, runner }) => {
  const key = versionKey(projection, version);
  const refused = `refused-${randomUUID()}`;
  const flowing = `flowing-${randomUUID()}`;

  it('parks a refused key, keeps the others flowing, and resumes it in log order once fixed', async () => {
    const [r1, r2] = events(refused);
    const [f1, f2] = events(flowing);
    await appender.append([r1!, f1!]);
    const refusing = runner(refused);
    await refusing.start();
    try {
      await waitFor(
        'the flowing key',
        () => (applied.get(flowing)?.length === 1 ? true : undefined),
        {
          timeoutMs: 60000,
        },
      );
      await waitFor('the refused key to park', async () =>
        (await listParked(pool, key)).find((p) => p.conversationId === refused),
      );
      await appender.append([r2!, f2!]);
      await waitFor('the flowing key again', () =>
        applied.get(flowing)?.length === 2 ? true : undefined,
      );
      expect(applied.get(refused)).toBeUndefined();
    } finally {
      await refusing.stop();
    }

    const fixed = runner(undefined);
    await fixed.start();
    try {
      await waitFor(
        'the held events',
        () => (applied.get(refused)?.length === 2 ? true : undefined),
        {
          timeoutMs: 60000,
        },
      );
      expect(applied.get(refused)).toEqual([r1!.envelope.eventId, r2!.envelope.eventId]);
      await waitFor('the park to go', async () =>
        (await listParked(pool, key)).length === 0 ? true : undefined,
      );
    } finally {
      await fixed.stop();
    }
  }, 180000);
});
