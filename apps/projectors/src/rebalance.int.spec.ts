import { randomUUID } from 'node:crypto';
import { createEventAppender, createEventCodec, createLogAdmin, TOPICS } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import { digestInbox, digestTimeline } from '@chat/views';
import { scriptedWorkload } from '../../../test/harness/scripted-workload';
import {
  dropVersions,
  freshVersions,
  lagsOf,
  VIEWS,
  type ViewVersions,
} from '../../../test/harness/view-versions';
import { startProjections, type RunningProjections } from './start-projections';

/**
 * Two projector instances in one consumer group per projection: they split the partitions,
 * hand them over when one joins and when one leaves, and never apply an event twice. The views
 * they build together must equal those one instance builds alone.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('rebalance');
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const stores = { pool, cassandra, keyspace: config.cassandra.keyspace };
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
const shared = freshVersions();
const alone = freshVersions();
const workload = scriptedWorkload({
  run: randomUUID().slice(0, 8),
  conversations: 24,
  eventsPerConversation: 100,
  seed: 7,
});
const start = (versions: ViewVersions) =>
  startProjections(config, { only: [...VIEWS], versions, logger });

async function caughtUp(versions: ViewVersions[]) {
  const admin = await createLogAdmin(kafka);
  const ends = await admin.partitionOffsets(TOPICS.conversations);
  await admin.disconnect();
  await waitFor(
    'the views to reach the end of the log',
    async () => {
      const lags = await Promise.all(versions.map((v) => lagsOf(stores, v, ends)));
      return lags.every((lag) => VIEWS.every((view) => lag[view] === 0n)) ? true : undefined;
    },
    { timeoutMs: 240000, intervalMs: 250 },
  );
}

beforeAll(() => appender.connect());

afterAll(async () => {
  await appender.disconnect();
  for (const versions of [shared, alone]) await dropVersions(stores, versions);
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

describe('two projector instances in one consumer group', () => {
  it('share the partitions, survive rebalances, and apply nothing twice', async () => {
    const third = Math.ceil(workload.events.length / 3);
    const [first, second, last] = [0, 1, 2].map((i) =>
      workload.events.slice(i * third, (i + 1) * third),
    );
    let a: RunningProjections | undefined;
    let b: RunningProjections | undefined;
    try {
      a = await start(shared);
      await appender.append(first!);
      // B joins while A works: the group rebalances and A hands over partitions.
      b = await start(shared);
      await appender.append(second!);
      await waitFor('both instances in the group', async () => (a!.ready && b!.ready) || undefined);
      // A leaves in the middle of traffic: B takes its partitions back.
      await appender.append(last!);
      await a.stop();
      a = undefined;
      await caughtUp([shared]);
    } finally {
      await a?.stop();
      await b?.stop();
    }

    const single = await start(alone);
    try {
      await caughtUp([alone]);
    } finally {
      await single.stop();
    }

    const only = { conversationIds: workload.conversationIds };
    const keyspace = config.cassandra.keyspace;
    const [inboxShared, inboxAlone, timelineShared, timelineAlone] = await Promise.all([
      digestInbox(pool, shared.inbox, only),
      digestInbox(pool, alone.inbox, only),
      digestTimeline(cassandra, keyspace, shared.timeline, only),
      digestTimeline(cassandra, keyspace, alone.timeline, only),
    ]);
    expect(inboxShared.perConversation).toEqual(inboxAlone.perConversation);
    expect(timelineShared.perConversation).toEqual(timelineAlone.perConversation);
    expect(inboxShared.conversations).toBe(workload.conversationIds.length);
  }, 420000);
});
