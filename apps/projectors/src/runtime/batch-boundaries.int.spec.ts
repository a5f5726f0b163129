import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { TOPICS, type ConsumedEvent, type ConversationEvent } from '@chat/events';
import { eventLogFixture } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import {
  digestInbox,
  digestSearch,
  digestTimeline,
  PROJECTIONS,
  timelineTablesOf,
  type ViewDigest,
  viewVersions,
} from '@chat/views';
import { inboxProjection } from '../inbox/inbox-projection';
import { searchProjection } from '../search/search-projection';
import { timelineProjection } from '../timeline/timeline-projection';
import { groupHistory } from '../testing/group-history';
import { groupCreated, memberRemoved, messageSent, messagesDelivered } from '@chat/domain/testing';
import type { PostgresProjection } from './postgres-projection-runner';

/**
 * A projection is a function of the log, not of how the log was cut into batches: the live
 * copy takes events a few at a time, a rebuild takes thousands at once, and the two must agree
 * row for row or a rebuild could never be verified against the live copy.
 */
const { config } = eventLogFixture('batch-boundaries');
const pool = createPgPool(config, { max: 4 });
const cassandra = createCassandraClient(config);
const keyspace = config.cassandra.keyspace;
const stores = { pool, cassandra, keyspace };
const fresh = () => 100000 + Math.floor(Math.random() * 1000000);
const [whole, split] = [fresh(), fresh()];
const run = randomUUID().slice(0, 8);
let nextOffset = 0;

beforeAll(async () => {
  for (const version of [whole, split]) {
    await viewVersions(PROJECTIONS.inbox, { pool }).create(version);
    await viewVersions(PROJECTIONS.search, { pool }).create(version);
    await viewVersions(PROJECTIONS.timeline, { pool, cassandra, keyspace }).create(version);
  }
}, 180000);

afterAll(async () => {
  for (const projection of [PROJECTIONS.inbox, PROJECTIONS.search, PROJECTIONS.timeline]) {
    for (const version of [whole, split]) {
      await viewVersions(projection, stores).drop(version);
    }
  }
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

/** A history of its own conversation and messages, laid at fresh offsets of one partition. */
function consumedOf(history: ConversationEvent[], conversationId: string): ConsumedEvent[] {
  return history.map((event) => {
    const own = { ...event, conversationId } as ConversationEvent;
    if ('messageId' in own) own.messageId = `${conversationId}-${own.messageId}`;
    return {
      event: own,
      topic: TOPICS.conversations,
      partition: 0,
      offset: String(nextOffset++),
      timestamp: 0,
    };
  });
}

/** The log cut before each of the given indexes. */
function cut(consumed: ConsumedEvent[], at: number[]): ConsumedEvent[][] {
  const bounds = [...new Set(at.map((i) => i % (consumed.length + 1)))].sort((a, b) => a - b);
  const batches: ConsumedEvent[][] = [];
  let from = 0;
  for (const to of [...bounds, consumed.length]) {
    if (to > from) batches.push(consumed.slice(from, to));
    from = Math.max(from, to);
  }
  return batches;
}

async function applyPostgres(projection: PostgresProjection, batches: ConsumedEvent[][]) {
  const client = await pool.connect();
  try {
    for (const batch of batches) {
      await client.query('BEGIN');
      await projection.apply(client, batch);
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
}

const digests = {
  inbox: (v: number, ids: string[]) => digestInbox(pool, v, { conversationIds: ids }),
  search: (v: number, ids: string[]) => digestSearch(pool, v, { conversationIds: ids }),
  timeline: (v: number, ids: string[]) =>
    digestTimeline(cassandra, keyspace, v, { conversationIds: ids }),
};

const perConversation = (digest: ViewDigest) => Object.fromEntries(digest.perConversation);

const history = fc.record({
  events: groupHistory(40, 20),
  cuts: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
});

describe.each([
  ['inbox', (v: number) => inboxProjection(v)],
  ['search', (v: number) => searchProjection(v)],
] as const)('the %s projection', (name, projectionOf) => {
  const [inOne, inMany] = [projectionOf(whole), projectionOf(split)];

  it('forgets the devices of a member removed in the same batch as their receipt', async () => {
    const id = `batches-${run}-${name}-removed`;
    const consumed = consumedOf(
      [
        groupCreated('alice', ['bob']),
        messageSent('alice', 'm1'),
        messagesDelivered('bob', 'phone', 2),
        memberRemoved('bob', 'alice'),
      ],
      id,
    );
    await applyPostgres(inOne, [consumed]);
    await applyPostgres(inMany, cut(consumed, [3]));
    const [a, b] = await Promise.all([digests[name](whole, [id]), digests[name](split, [id])]);
    expect(perConversation(b)).toEqual(perConversation(a));
  });

  it('writes the same rows whether a history comes in one batch or in many', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(history, async ({ events, cuts }) => {
        const id = `batches-${run}-${name}-${runs++}`;
        const consumed = consumedOf(events, id);
        await applyPostgres(inOne, [consumed]);
        await applyPostgres(inMany, cut(consumed, cuts));
        const [a, b] = await Promise.all([digests[name](whole, [id]), digests[name](split, [id])]);
        expect(perConversation(b)).toEqual(perConversation(a));
      }),
      { numRuns: 60 },
    );
  }, 240000);
});

describe('the timeline projection', () => {
  it('writes the same rows whether a history comes in one batch or in many', async () => {
    const timelineOf = (v: number) =>
      timelineProjection(cassandra, timelineTablesOf(keyspace, v), v);
    const [inOne, inMany] = [timelineOf(whole), timelineOf(split)];
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(history, async ({ events, cuts }) => {
        const id = `batches-${run}-timeline-${runs++}`;
        const consumed = consumedOf(events, id);
        await inOne.apply(consumed);
        for (const batch of cut(consumed, cuts)) await inMany.apply(batch);
        const [a, b] = await Promise.all([
          digests.timeline(whole, [id]),
          digests.timeline(split, [id]),
        ]);
        expect(perConversation(b)).toEqual(perConversation(a));
      }),
      { numRuns: 30 },
    );
  }, 240000);
});
