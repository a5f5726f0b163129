import { randomUUID } from 'node:crypto';
import { mintToken } from '@chat/auth';
import { loadConfig, type Config } from '@chat/config';
import { createKafka, createLogAdmin, TOPICS } from '@chat/events';
import { createLogger } from '@chat/observability';
import { createCassandraClient, createPgPool } from '@chat/storage';
import { activeInboxStore, lagOf, positionsOf, PROJECTIONS, readerVersion } from '@chat/views';
import type { Pool } from 'pg';
import { buildApps, startAppProcess } from './lib/app-process';
import { openLoop } from './lib/open-loop';
import { percentiles, round } from './lib/stats';

/**
 * Accepted sends per second and acceptance latency (request sent -> 202, i.e. Kafka acked) at
 * a fixed offered load, open loop: requests leave on schedule whether or not earlier ones
 * have answered, and latency counts from the scheduled time, so a stall is not hidden.
 *
 * Usage: npm run bench:command-api [-- <sends per second> <seconds> <senders>]
 */
async function main() {
  const [rate = 500, seconds = 20, senders = 50] = process.argv.slice(2).map(Number);
  const config = loadConfig();
  const env = { CHAT_RATE_LIMIT_PER_SECOND: '100000', CHAT_RATE_LIMIT_BURST: '100000' };
  buildApps();
  const api = await startAppProcess('command-api', env);
  const projectors = await startAppProcess('projectors').catch(async (error: unknown) => {
    await api.stop();
    throw error;
  });
  const pool = createPgPool(config, { max: 2 });
  try {
    // Measure the command API, not a projector catching up on an old log.
    await projectionsCaughtUp(config, pool);
    const run = randomUUID().slice(0, 8);
    const clients = await Promise.all(
      Array.from({ length: senders }, async (_, i) => {
        const userId = `bench-${run}-${i}`;
        const { token } = await mintToken(config.auth, { userId, deviceId: 'bench' });
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const created = await fetch(`${api.url}/v1/conversations/groups`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ title: `bench ${i}`, members: [`bench-${run}-peer`] }),
        }).then((r) => r.json() as Promise<{ conversationId: string }>);
        return { headers, conversationId: created.conversationId };
      }),
    );
    // Sends are decided on the membership view: wait until it shows every group.
    for (;;) {
      const inbox = await activeInboxStore(pool).get();
      const known = await inbox.conversations(clients.map((c) => c.conversationId));
      if (known.length === senders) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const total = rate * seconds;
    const latencies: number[] = [];
    const statuses = new Map<number | string, number>();
    const cpuBefore = [api.cpuSeconds(), projectors.cpuSeconds(), process.cpuUsage()] as const;
    const start = performance.now();
    await openLoop(rate, total, (i, due) => {
      const client = clients[i % senders]!;
      return fetch(`${api.url}/v1/conversations/${client.conversationId}/messages`, {
        method: 'POST',
        headers: client.headers,
        body: JSON.stringify({ clientMessageId: `c-${i}`, body: 'x'.repeat(100) }),
      }).then(
        async (response) => {
          await response.arrayBuffer();
          if (response.status === 202) latencies.push(performance.now() - due);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        },
        (error: Error) => void statuses.set(error.message, (statuses.get(error.message) ?? 0) + 1),
      );
    });
    const elapsed = (performance.now() - start) / 1000;
    const cpu = {
      'command-api': api.cpuSeconds() - cpuBefore[0],
      projectors: projectors.cpuSeconds() - cpuBefore[1],
      'load generator': (() => {
        const used = process.cpuUsage(cpuBefore[2]);
        return (used.user + used.system) / 1e6;
      })(),
    };
    const p = percentiles(latencies);
    console.log(
      [
        `offered ${rate} sends/s for ${seconds} s from ${senders} senders (${total} sends)`,
        `accepted ${latencies.length} (${round(latencies.length / elapsed)} sends/s over ${round(elapsed)} s)`,
        `acceptance latency ms: p50 ${round(p.p50!)} p90 ${round(p.p90!)} p99 ${round(p.p99!)} max ${round(p.max!)}`,
        `statuses: ${JSON.stringify(Object.fromEntries(statuses))}`,
        `CPU seconds: ${Object.entries(cpu)
          .map(
            ([name, seconds]) =>
              `${name} ${round(seconds)} (${round((seconds * 1e6) / total / 1000, 2)} ms/send)`,
          )
          .join(', ')}`,
      ].join('\n'),
    );
  } finally {
    await pool.end();
    await Promise.all([api.stop(), projectors.stop()]);
  }
}

async function projectionsCaughtUp(config: Config, pool: Pool) {
  const logger = createLogger('bench', 'error');
  const admin = await createLogAdmin(
    createKafka({ brokers: config.kafka.value, clientId: 'bench-lag' }, logger),
  );
  const cassandra = createCassandraClient(config);
  const stores = { pool, cassandra, keyspace: config.cassandra.keyspace };
  try {
    const ends = await admin.partitionOffsets(TOPICS.conversations);
    for (const view of [PROJECTIONS.inbox, PROJECTIONS.timeline] as const) {
      const version = (await readerVersion(pool, view))!;
      for (;;) {
        const lag = lagOf(await positionsOf(stores, view, version, TOPICS.conversations), ends);
        if (lag === 0n) break;
        process.stdout.write(`\rwaiting for ${view} to catch up: ${lag} events behind   `);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    process.stdout.write('\n');
  } finally {
    await Promise.all([admin.disconnect(), cassandra.shutdown()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
