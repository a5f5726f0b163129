import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { createKafka } from '@chat/events';
import { createLogger } from '@chat/observability';
import { createCassandraClient, createPgPool, createRedis } from '@chat/storage';
import { loadStackConfig } from '../tools/stack/src/stack-config';
import { stackPaths } from '../tools/stack/src/stack-paths';
import { ensureBenchTopic } from './lib/bench-topic';
import { openLoop } from './lib/open-loop';
import { processCpu, stackServiceGroups } from './lib/process-cpu';
import { percentiles, round } from './lib/stats';

/**
 * The stores' floor: what Kafka, Postgres, Cassandra and Redis alone cost for the least work a
 * message needs in this design, driven by one bare Node process with no framework, codec,
 * authorization or fan-out. Per message: one append (acks=all, idempotent producer); two
 * consumer groups read it (as the Postgres lanes and the timeline do); the first writes a row
 * and its position in one Postgres transaction and publishes the message on Redis, the second
 * writes a row and its position to Cassandra; a subscriber gets the publish. Reported per
 * rate: append-to-publish latency and the CPU each store used per message, beside the bare
 * client's own. Whatever the pipeline costs above these figures is the pipeline's; these are
 * the price of the stores on this machine.
 *
 * Usage: npm run bench:floor [-- <rates, comma-separated> <seconds per rate>]
 *   e.g. npm run bench:floor -- 20,100,1000 10
 */
const TOPIC = '__bench_store_floor';
const CHANNEL = 'bench-store-floor';
const PG_SCHEMA = 'bench_store_floor';
const CASSANDRA_TABLE = 'bench_store_floor';

async function main() {
  const [ratesArg = '20,100,1000', secondsArg = '10'] = process.argv.slice(2);
  const rates = ratesArg.split(',').map(Number);
  const seconds = Number(secondsArg);
  const config = loadStackConfig();
  const logger = createLogger('bench', 'fatal');
  const kafka = createKafka({ brokers: config.kafka.value, clientId: 'bench-store-floor' }, logger);
  await ensureBenchTopic(config, TOPIC);

  const pool = createPgPool(config, { max: 2 });
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${PG_SCHEMA}`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.rows (id text PRIMARY KEY, body text NOT NULL)`,
  );
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.positions (lane text PRIMARY KEY, next bigint)`,
  );
  const keyspace = config.cassandra.keyspace;
  const cassandra = createCassandraClient(config, { keyspace });
  await cassandra.execute(
    `CREATE TABLE IF NOT EXISTS ${CASSANDRA_TABLE} (id text PRIMARY KEY, body text, next bigint)`,
  );
  const publisher = createRedis(config);
  const subscriber = createRedis(config);

  const run = randomUUID().slice(0, 8);
  const appendedAt = new Map<string, number>();
  let latencies: number[] = [];
  await subscriber.subscribe(CHANNEL);
  subscriber.on('message', (_channel: string, id: string) => {
    const at = appendedAt.get(id);
    if (at !== undefined) latencies.push(performance.now() - at);
  });

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumers: Consumer[] = [];
  const lane = async (name: string, apply: (ids: string[], next: string) => Promise<void>) => {
    const consumer = kafka.consumer({
      groupId: `bench-store-floor-${run}-${name}`,
      maxWaitTimeInMs: 500,
    });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const ids = batch.messages.map((m) => m.value!.toString());
        if (ids.length > 0) await apply(ids, String(Number(batch.lastOffset()) + 1));
      },
    });
  };
  // The Postgres lane: rows and position in one transaction, then the live publish.
  await lane('postgres', async (ids, next) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query({
        name: 'floor-rows',
        text: `INSERT INTO ${PG_SCHEMA}.rows (id, body) SELECT id, 'x' FROM unnest($1::text[]) id
               ON CONFLICT DO NOTHING`,
        values: [ids],
      });
      await client.query({
        name: 'floor-position',
        text: `INSERT INTO ${PG_SCHEMA}.positions VALUES ('rows', $1)
               ON CONFLICT (lane) DO UPDATE SET next = EXCLUDED.next`,
        values: [next],
      });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const published = publisher.pipeline();
    for (const id of ids) published.publish(CHANNEL, id);
    await published.exec();
  });
  // The Cassandra lane: the rows, then the position.
  await lane('cassandra', async (ids, next) => {
    await Promise.all(
      ids.map((id) =>
        cassandra.execute(`INSERT INTO ${CASSANDRA_TABLE} (id, body) VALUES (?, 'x')`, [id], {
          prepare: true,
        }),
      ),
    );
    await cassandra.execute(
      `INSERT INTO ${CASSANDRA_TABLE} (id, next) VALUES ('position', ?)`,
      [BigInt(next)],
      { prepare: true },
    );
  });
  await new Promise((resolve) => setTimeout(resolve, 3000));

  const cpu = processCpu({
    ...stackServiceGroups(stackPaths(config)),
    'bare client': () => [process.pid],
  });
  const lines: string[] = [];
  try {
    for (const rate of rates) {
      latencies = [];
      const total = Math.round(rate * seconds);
      const window = cpu.start();
      const start = performance.now();
      await openLoop(rate, total, async (i, due) => {
        const id = `${run}-${rate}-${i}`;
        appendedAt.set(id, due);
        await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: id }] });
      });
      const deadline = performance.now() + 20000;
      while (latencies.length < total && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const used = window.end();
      const p = percentiles(latencies);
      const perMessage = Object.entries(used).map(
        ([name, s]) => [name, (s * 1000) / total] as const,
      );
      const stores = perMessage
        .filter(([name]) => name !== 'bare client' && name !== 'registry')
        .reduce((sum, [, ms]) => sum + ms, 0);
      const line =
        `${rate}/s for ${seconds} s: ${latencies.length}/${total} published; append-to-publish ms ` +
        `p50 ${round(p.p50!)} p99 ${round(p.p99!)}; CPU ms per message: stores ${round(stores, 2)} ` +
        `(${perMessage.map(([name, ms]) => `${name} ${round(ms, 2)}`).join(', ')}), ` +
        `over ${round((performance.now() - start) / 1000)} s`;
      console.log(line);
      lines.push(line);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } finally {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await producer.disconnect();
    subscriber.disconnect();
    publisher.disconnect();
    await pool.query(`DROP SCHEMA ${PG_SCHEMA} CASCADE`);
    await pool.end();
    await cassandra.execute(`DROP TABLE IF EXISTS ${CASSANDRA_TABLE}`);
    await cassandra.shutdown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
