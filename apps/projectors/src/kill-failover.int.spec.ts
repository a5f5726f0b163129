import { randomUUID } from 'node:crypto';
import { createEventAppender, createEventCodec, createLogAdmin, TOPICS } from '@chat/events';
import { groupCreated, messageSent } from '@chat/domain/testing';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createCassandraClient, createPgPool } from '@chat/storage';
import { projectorGroupOf, versionKey } from '@chat/views';
import {
  killEveryProjectorProcess,
  startProjectorProcess,
  type ProjectorProcess,
} from '../../../test/harness/projector-process';
import { dropVersions, freshVersions, lagsOf, VIEWS } from '../../../test/harness/view-versions';

/**
 * Failover between two projector processes in one consumer group: when one is killed with
 * SIGKILL (no leave-group, its session just stops), the other must take over its partitions
 * within the delivery budget, not after a long session timeout.
 */
const DELIVERY_BUDGET_MS = 5000;
const { config, logger, kafka, registryUrl } = eventLogFixture('kill-failover');
const pool = createPgPool(config, { max: 2 });
const cassandra = createCassandraClient(config);
const stores = { pool, cassandra, keyspace: config.cassandra.keyspace };
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
const versions = freshVersions();
const run = randomUUID().slice(0, 8);
// Enough conversations that every partition holds some (each member owns some of them).
const conversationIds = Array.from({ length: 36 }, (_, i) => `failover-${run}-${i}`);

/**
 * The views at the end of the log. The first call is setup: fresh versions read the whole log
 * from offset 0 (every test's events on a long-lived stack), so it gets the time a catch-up
 * needs; only the call after the kill is held to the delivery budget.
 */
async function timelineCaughtUp(abortIf: () => void, timeoutMs: number) {
  const admin = await createLogAdmin(kafka);
  const ends = await admin.partitionOffsets(TOPICS.conversations);
  await admin.disconnect();
  return waitFor(
    'the views to reach the end of the log',
    async () => {
      const lags = await lagsOf(stores, versions, ends);
      return VIEWS.every((view) => lags[view] === 0n) ? true : undefined;
    },
    { timeoutMs, intervalMs: 25, abortIf },
  );
}

async function groupOfTwo() {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      'both processes in every group, stable',
      async () => {
        // The views write to different stores (Postgres, Cassandra): each has a group of its own.
        const { groups } = await admin.describeGroups(
          VIEWS.map((view) => projectorGroupOf([versionKey(view, versions[view])])),
        );
        return groups.every((g) => g.state === 'Stable' && g.members.length === 2)
          ? true
          : undefined;
      },
      // Setup, not the budget under test: two processes compile and join on a busy machine.
      { timeoutMs: 120000, intervalMs: 200 },
    );
  } finally {
    await admin.disconnect();
  }
}

beforeAll(() => appender.connect());

afterAll(async () => {
  await killEveryProjectorProcess();
  await appender.disconnect();
  await dropVersions(stores, versions);
  await Promise.all([pool.end(), cassandra.shutdown()]);
});

describe('two projector processes, one killed with SIGKILL', () => {
  it('applies a message sent right after the kill within 5 s', async () => {
    const processes: ProjectorProcess[] = [
      startProjectorProcess(versions),
      startProjectorProcess(versions),
    ];
    const alive = () => processes.forEach((p) => p.assertAlive());
    await appender.append(conversationIds.map((id) => groupCreated('ann', ['ben'], id)));
    await groupOfTwo();
    await timelineCaughtUp(alive, 90000);

    await processes[0]!.kill('SIGKILL');
    const killedAt = Date.now();
    await appender.append(conversationIds.map((id) => messageSent('ann', `${id}-after-kill`, id)));
    await timelineCaughtUp(() => processes[1]!.assertAlive(), 20000);
    const stall = Date.now() - killedAt;
    expect(stall).toBeLessThan(DELIVERY_BUDGET_MS);
  }, 240000);
});
