import { randomUUID } from 'node:crypto';
import { loadConfig } from '@chat/config';
import {
  createEventAppender,
  createEventCodec,
  createKafka,
  createLogAdmin,
  TOPICS,
  type ChatEvent,
} from '@chat/events';
import { newEnvelope } from '@chat/domain';
import { createLogger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { lagOf, presenceKeysOf, PresenceStore, PROJECTIONS, viewVersions } from '@chat/views';
import { startProjections } from '../apps/projectors/src/start-projections';
import { scriptedWorkload } from '../test/harness/scripted-workload';
import { dropVersions, freshVersions, lagsOf, VIEWS } from '../test/harness/view-versions';
import { percentiles, round } from './lib/stats';

/**
 * What each projection sustains, on fresh versions (their own tables and consumer groups):
 *  1. catch-up: the whole conversations log from offset 0, as a rebuild reads it (events/s);
 *  2. lag under load: events appended at a fixed rate while the projection runs, lag sampled
 *     every 100 ms (events behind, and the time to drain once the load stops);
 *  3. presence catch-up: 50,000 connects and heartbeats of 5,000 users, read from offset 0.
 *
 * Usage: npm run bench:projections [-- <events/s> <seconds>]
 */
async function main() {
  const [rate = 2000, seconds = 20] = process.argv.slice(2).map(Number);
  const config = loadConfig();
  const logger = createLogger('bench', 'error');
  const kafka = createKafka({ brokers: config.kafka.value, clientId: 'bench-projections' }, logger);
  const appender = createEventAppender({
    kafka,
    codec: createEventCodec({ registryUrl: config.registry.value }),
    logger,
  });
  const admin = await createLogAdmin(kafka);
  const pool = createPgPool(config, { max: 2 });
  const cassandra = createCassandraClient(config);
  const stores = { pool, cassandra, keyspace: config.cassandra.keyspace };
  const ends = () => admin.partitionOffsets(TOPICS.conversations);
  const logSize = (offsets: Array<{ high: string; low: string }>) =>
    offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  await appender.connect();
  const versions = freshVersions();
  try {
    // 1. Catch-up, one projection at a time so each has the machine to itself.
    const before = await ends();
    console.log(`log: ${logSize(before)} events in ${TOPICS.conversations}`);
    for (const view of VIEWS) {
      const started = performance.now();
      const running = await startProjections(config, {
        only: [view],
        versions: { [view]: versions[view] },
        logger,
      });
      for (;;) {
        const lag = await lagsOf(stores, versions, before);
        if (lag[view] === 0n) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const elapsed = (performance.now() - started) / 1000;
      await running.stop();
      console.log(
        `${view} catch-up: ${logSize(before)} events in ${round(elapsed)} s = ` +
          `${round(logSize(before) / elapsed, 0)} events/s`,
      );
    }

    // 2. Lag at a fixed offered rate, both projections running as in production.
    const workload = scriptedWorkload({
      run: randomUUID().slice(0, 8),
      conversations: Math.max(10, Math.round(rate / 20)),
      eventsPerConversation: Math.ceil((rate * seconds) / Math.max(10, Math.round(rate / 20))),
    });
    const running = await startProjections(config, { only: [...VIEWS], versions, logger });
    const samples: Record<string, number[]> = { inbox: [], timeline: [] };
    let appending = true;
    const sampler = (async () => {
      while (appending) {
        const lag = await lagsOf(stores, versions, await ends());
        for (const view of VIEWS) samples[view]!.push(Number(lag[view]));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const start = performance.now();
    const perTick = rate / 10;
    for (let tick = 0; tick < seconds * 10; tick++) {
      const due = start + tick * 100;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await appender.append(workload.events.slice(tick * perTick, (tick + 1) * perTick));
    }
    const offeredFor = (performance.now() - start) / 1000;
    appending = false;
    await sampler;
    const stoppedAt = performance.now();
    const drained: Record<string, number> = {};
    const final = await ends();
    while (Object.keys(drained).length < VIEWS.length) {
      const lag = await lagsOf(stores, versions, final);
      for (const view of VIEWS) {
        if (lag[view] === 0n && drained[view] === undefined) {
          drained[view] = (performance.now() - stoppedAt) / 1000;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await running.stop();
    console.log(
      `offered ${rate} events/s for ${seconds} s (${rate * seconds} events, took ${round(offeredFor)} s to append)`,
    );
    for (const view of VIEWS) {
      const p = percentiles(samples[view]!);
      console.log(
        `${view} lag under load (events): p50 ${p.p50} p99 ${p.p99} max ${p.max}; ` +
          `drained ${round(drained[view]!, 2)} s after the load stopped`,
      );
    }

    // 3. Presence: heartbeats of many devices, then a fresh version reads the topic from 0.
    await presenceCatchUp(config, appender, admin, logger);
  } finally {
    await dropVersions(stores, versions);
    await appender.disconnect();
    await admin.disconnect();
    await Promise.all([pool.end(), cassandra.shutdown()]);
  }
}

async function presenceCatchUp(
  config: ReturnType<typeof loadConfig>,
  appender: ReturnType<typeof createEventAppender>,
  admin: Awaited<ReturnType<typeof createLogAdmin>>,
  logger: ReturnType<typeof createLogger>,
) {
  const heartbeats = 50_000;
  const run = randomUUID().slice(0, 8);
  const events: ChatEvent[] = Array.from({ length: heartbeats }, (_, i) => {
    const userId = `bench-${run}-${i % 5000}`;
    return {
      type: i < 5000 ? 'Connected' : 'Heartbeat',
      envelope: newEnvelope(i < 5000 ? 'Connected' : 'Heartbeat', {
        actor: { userId, deviceId: 'phone' },
        now: Date.now() + i,
        correlationId: run,
        newEventId: randomUUID,
      }),
      userId,
      deviceId: 'phone',
      gatewayId: 'bench',
    } as ChatEvent;
  });
  for (let i = 0; i < events.length; i += 5000) await appender.append(events.slice(i, i + 5000));
  const ends = await admin.partitionOffsets(TOPICS.presence);
  const size = ends.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const version = 200000 + Math.floor(Math.random() * 1000000);
  const redis = createRedis(config);
  const store = new PresenceStore(redis, presenceKeysOf(version));
  const started = performance.now();
  const running = await startProjections(config, {
    only: [PROJECTIONS.presence],
    versions: { presence: version },
    logger,
  });
  while (lagOf(await store.positions(TOPICS.presence), ends) > 0n) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsed = (performance.now() - started) / 1000;
  await running.stop();
  console.log(
    `presence catch-up: ${size} events in ${round(elapsed)} s = ${round(size / elapsed, 0)} events/s`,
  );
  const pool = createPgPool(config, { max: 1 });
  const cassandra = createCassandraClient(config);
  const keyspace = config.cassandra.keyspace;
  await viewVersions(PROJECTIONS.presence, { pool, cassandra, keyspace, redis }).drop(version);
  await Promise.all([pool.end(), cassandra.shutdown()]);
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
