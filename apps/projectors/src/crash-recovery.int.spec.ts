import { randomUUID } from 'node:crypto';
import { createEventAppender, createEventCodec, createLogAdmin, TOPICS } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import { digestInbox, digestTimeline } from '@chat/views';
import { scriptedWorkload } from '../../../test/harness/scripted-workload';
import {
  killEveryProjectorProcess,
  startProjectorProcess,
} from '../../../test/harness/projector-process';
import {
  dropVersions,
  freshVersions,
  lagsOf,
  VIEWS,
  type ViewVersions,
} from '../../../test/harness/view-versions';

/**
 * Exactly-once effect under crashes: a projector process is killed with SIGKILL while it works
 * through a large backlog, restarted, killed again, and finally left to finish. Its views must
 * then be identical, digest for digest, to a clean rebuild from the same log.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('crash-recovery');
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const keyspace = config.cassandra.keyspace;
const stores = { pool, cassandra, keyspace };
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
const crashed = freshVersions();
const clean = freshVersions();
const workload = scriptedWorkload({
  run: randomUUID().slice(0, 8),
  conversations: 60,
  eventsPerConversation: 150,
});
let ends: Array<{ partition: number; high: string }>;

const lag = (versions: ViewVersions) => lagsOf(stores, versions, ends);

beforeAll(async () => {
  await appender.connect();
  for (let i = 0; i < workload.events.length; i += 1000) {
    await appender.append(workload.events.slice(i, i + 1000));
  }
  const admin = await createLogAdmin(kafka);
  ends = await admin.partitionOffsets(TOPICS.conversations);
  await admin.disconnect();
}, 120000);

afterAll(async () => {
  await killEveryProjectorProcess();
  await appender.disconnect();
  for (const versions of [crashed, clean]) await dropVersions(stores, versions);
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

describe('a projector killed with SIGKILL in the middle of its work', () => {
  it('ends with views whose digests equal a clean rebuild', async () => {
    // Kill it three times, at a different moment each time: the first as soon as it has
    // committed anything, the others later (by then the backlog may be gone, which is fine).
    let killedWithBacklog = 0;
    for (const delayMs of [0, 1000, 2500]) {
      const child = startProjectorProcess(crashed);
      const before = await lag(crashed);
      await waitFor(
        'the projector to make progress',
        async () => {
          const now = await lag(crashed);
          const moved = VIEWS.some((view) => now[view]! < before[view]!);
          const done = VIEWS.every((view) => now[view] === 0n);
          return moved || done ? true : undefined;
        },
        { timeoutMs: 90000, intervalMs: 20, abortIf: () => child.assertAlive() },
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs * Math.random()));
      const atKill = await lag(crashed);
      await child.kill('SIGKILL');
      if (VIEWS.some((view) => atKill[view]! > 0n)) killedWithBacklog++;
    }
    expect(killedWithBacklog).toBeGreaterThan(0);

    // Restarted, it finishes the log; a clean rebuild runs beside it.
    const survivor = startProjectorProcess(crashed);
    const rebuild = startProjectorProcess(clean);
    try {
      await waitFor(
        'both versions to reach the end of the log',
        async () => {
          const [a, b] = await Promise.all([lag(crashed), lag(clean)]);
          return VIEWS.every((view) => a[view] === 0n && b[view] === 0n) ? true : undefined;
        },
        {
          timeoutMs: 240000,
          intervalMs: 250,
          abortIf: () => [survivor, rebuild].forEach((p) => p.assertAlive()),
        },
      );
    } finally {
      await Promise.all([survivor.kill('SIGTERM'), rebuild.kill('SIGTERM')]);
    }

    const only = { conversationIds: workload.conversationIds };
    const [inboxAfterCrashes, inboxClean, timelineAfterCrashes, timelineClean] = await Promise.all([
      digestInbox(pool, crashed.inbox, only),
      digestInbox(pool, clean.inbox, only),
      digestTimeline(cassandra, keyspace, crashed.timeline, only),
      digestTimeline(cassandra, keyspace, clean.timeline, only),
    ]);
    // Per conversation first: a difference names the conversation.
    expect(inboxAfterCrashes.perConversation).toEqual(inboxClean.perConversation);
    expect(timelineAfterCrashes.perConversation).toEqual(timelineClean.perConversation);
    expect(inboxAfterCrashes.digest).toBe(inboxClean.digest);
    expect(timelineAfterCrashes.digest).toBe(timelineClean.digest);
    // The digests see the conversations' content: no two of them are alike.
    expect(new Set(inboxClean.perConversation.values()).size).toBe(workload.conversationIds.length);
    expect(new Set(timelineClean.perConversation.values()).size).toBe(
      workload.conversationIds.length,
    );
  }, 420000);
});
