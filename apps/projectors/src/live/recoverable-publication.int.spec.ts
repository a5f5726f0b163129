import { randomUUID } from 'node:crypto';
import { createDeadLetterPublisher, createEventAppender, createEventCodec } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import {
  groupCreated,
  memberAdded,
  messageEdited,
  messageSent,
  reaction,
} from '@chat/domain/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import {
  type ProjectedBatch,
  PROJECTIONS,
  TimelineStore,
  type TimelineTables,
  timelineTablesOf,
  viewVersions,
} from '@chat/views';
import { createCassandraProjectionRunner } from '../runtime/cassandra-projection-runner';
import { timelineProjection } from '../timeline/timeline-projection';
import type { LivePublisher } from './live-publisher';

/**
 * Live publication survives what happens between a timeline batch's write and its publish: a
 * failed publish fails the batch and the retry publishes, and a projector that dies after
 * writing and before publishing has its successor publish the changes from the change log.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('recoverable-publication');
const codec = createEventCodec({ registryUrl });
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const keyspace = config.cassandra.keyspace;
const appender = createEventAppender({ kafka, codec, logger });
const version = 100000 + Math.floor(Math.random() * 1000000);
const run = randomUUID().slice(0, 8);
let tables: TimelineTables;
let store: TimelineStore;

/** A publisher that records what it published, and misbehaves as told. */
function recordingPublisher(misbehave: (batches: ProjectedBatch[]) => Promise<void> | void) {
  const published: ProjectedBatch[] = [];
  const publisher: LivePublisher = {
    async projected(_version, batches) {
      await misbehave(batches);
      published.push(...batches);
    },
    presenceTouched: async () => undefined,
  };
  return { publisher, published };
}

const runner = (live: LivePublisher) =>
  createCassandraProjectionRunner({
    kafka,
    codec,
    deadLetters: createDeadLetterPublisher({ kafka, logger }),
    cassandra,
    keyspace,
    pool,
    logger,
    projection: timelineProjection(cassandra, tables, version, live),
  });

/** What each user was published in a conversation: [type, cs] in order. */
function publishedTo(published: ProjectedBatch[], conversationId: string) {
  const byUser = new Map<string, Array<[string, number | undefined]>>();
  for (const batch of published.filter((b) => b.conversationId === conversationId)) {
    for (const segment of batch.segments) {
      for (const userId of segment.recipients) {
        const list = byUser.get(userId) ?? [];
        list.push(...segment.changes.map((c): [string, number | undefined] => [c.type, c.cs]));
        byUser.set(userId, list);
      }
    }
  }
  return byUser;
}

/** Five changes: bob sees them all, carol (joined at cs 3) gets the edit of m1 as a skip. */
const history = (conversationId: string) => [
  groupCreated('alice', ['bob'], conversationId), // cs 1, seq 1
  messageSent('alice', `${conversationId}-m1`, conversationId), // cs 2, seq 2
  memberAdded('carol', 'alice', 'MEMBER', conversationId), // cs 3, seq 3
  messageEdited(`${conversationId}-m1`, 'alice', 'edited', conversationId), // cs 4
  reaction(true, `${conversationId}-m1`, 'bob', '👍', conversationId), // cs 5
];
const expectedFor = {
  bob: [
    ['membership', 1],
    ['message', 2],
    ['membership', 3],
    ['edit', 4],
    ['reaction', 5],
  ],
  carol: [
    ['membership', 3],
    ['skip', 4],
    ['skip', 5],
  ],
};

/** Each user's cs once, in order: what a client keeps after dropping duplicates by cs. */
const deduplicated = (list: Array<[string, number | undefined]> | undefined) => {
  let last = 0;
  return (list ?? []).filter(([, cs]) => cs !== undefined && cs > last && (last = cs) > 0);
};

const lastCsOf = async (conversationId: string) =>
  (await store.conversations([conversationId])).get(conversationId)?.state.lastCs ?? 0;

beforeAll(async () => {
  await viewVersions(PROJECTIONS.timeline, { pool, cassandra, keyspace }).create(version);
  tables = timelineTablesOf(keyspace, version);
  store = new TimelineStore(cassandra, tables);
  await appender.connect();
}, 60000);

afterAll(async () => {
  await appender.disconnect();
  for (const table of Object.values(tables).filter((name) => name !== keyspace)) {
    await cassandra.execute(`DROP TABLE IF EXISTS ${table}`);
  }
  await cassandra.execute(
    `DELETE FROM ${keyspace}.projection_positions WHERE projection = ?`,
    [`timeline_v${version}`],
    { prepare: true },
  );
  await pool.query('DELETE FROM projection_versions WHERE projection = $1 AND version = $2', [
    'timeline',
    version,
  ]);
  await Promise.all([cassandra.shutdown(), pool.end()]);
});

describe('live publication', () => {
  it('publishes, after a restart, the changes a projector wrote and died before publishing', async () => {
    const conversation = `crash-${run}`;
    // The first projector writes and then never gets to publish: it dies at that point.
    let die!: (error: Error) => void;
    const dead = new Promise<void>((_, reject) => (die = reject));
    let written = false;
    // (Other tests' events share the log: only a batch with this conversation dies.)
    const first = recordingPublisher((batches) => {
      if (!batches.some((b) => b.conversationId === conversation)) return;
      written = true;
      return dead;
    });
    const doomed = runner(first.publisher);
    await doomed.start();
    try {
      await appender.append(history(conversation));
      // A fresh version reads the whole shared log first: its catch-up is setup, not measured.
      await waitFor(
        'the batch to be written',
        async () => (written && (await lastCsOf(conversation)) === 5 ? true : undefined),
        { timeoutMs: 90000 },
      );
    } finally {
      // Dies here whatever happened: a batch waiting on `dead` would keep the runner alive.
      die(new Error('killed between write and publish'));
      await doomed.stop();
    }
    expect(publishedTo(first.published, conversation).size).toBe(0);

    const second = recordingPublisher(() => undefined);
    const successor = runner(second.publisher);
    await successor.start();
    try {
      await waitFor(
        'the stored changes to be published',
        () => (publishedTo(second.published, conversation).get('bob')?.length ? true : undefined),
        { timeoutMs: 60000 },
      );
      const got = publishedTo(second.published, conversation);
      expect(deduplicated(got.get('bob'))).toEqual(expectedFor.bob);
      expect(deduplicated(got.get('carol'))).toEqual(expectedFor.carol);
      expect(deduplicated(got.get('alice')).map(([, cs]) => cs)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await successor.stop();
    }
  }, 240000);

  it('fails a batch whose publication failed, and publishes it on the retry', async () => {
    const conversation = `retry-${run}`;
    let failures = 2;
    const flaky = recordingPublisher((batches) => {
      if (!batches.some((b) => b.conversationId === conversation)) return;
      if (failures-- > 0) throw new Error('redis: connection refused');
    });
    const projector = runner(flaky.publisher);
    await projector.start();
    try {
      await appender.append(history(conversation));
      await waitFor(
        'the retried batch to be published',
        () => (publishedTo(flaky.published, conversation).get('bob')?.length ? true : undefined),
        { timeoutMs: 60000 },
      );
      const got = publishedTo(flaky.published, conversation);
      expect(deduplicated(got.get('bob'))).toEqual(expectedFor.bob);
      expect(deduplicated(got.get('carol'))).toEqual(expectedFor.carol);
    } finally {
      await projector.stop();
    }
  }, 120000);
});
