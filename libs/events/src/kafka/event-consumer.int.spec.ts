import { randomUUID } from 'node:crypto';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import { bootstrapEventLog } from '../bootstrap';
import { createEventCodec } from '../codec/event-codec';
import { writeHeader } from '../codec/wire-format';
import { createDeadLetterPublisher, DEAD_LETTER_HEADERS } from '../dead-letter/dead-letters';
import { eventLogFixture } from '../testing/event-log-fixture';
import { markLogEnd } from '../testing/log-tail';
import { sampleEvents } from '../testing/sample-events';
import { waitFor } from '../testing/wait-for';
import { createEventConsumer, type ConsumedEvent } from './event-consumer';

const { config, kafka, logger, registryUrl } = eventLogFixture('event-consumer');

async function createSinglePartitionTopics(...topics: string[]) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
  });
  await admin.disconnect();
}

describe('a consumer meeting records it cannot decode', () => {
  const run = randomUUID();
  const topic = `test.events.${run}`;
  const deadLetterTopic = `test.dead-letters.${run}`;
  const codec = createEventCodec({ registryUrl });
  const producer = kafka.producer();
  const handled: ConsumedEvent[] = [];
  const consumer = createEventConsumer({
    kafka,
    codec,
    logger,
    groupId: `test-consumer-${run}`,
    topics: [topic],
    fromBeginning: true,
    deadLetters: createDeadLetterPublisher({ kafka, logger, topic: deadLetterTopic }),
    handleBatch: async (batch) => {
      handled.push(...batch.events);
    },
  });

  beforeAll(async () => {
    await bootstrapEventLog(config, logger);
    await createSinglePartitionTopics(topic, deadLetterTopic);
    await producer.connect();
  });
  afterAll(async () => {
    await consumer.stop();
    await producer.disconnect();
  });

  async function alienRecord(): Promise<Buffer> {
    const schema = {
      type: 'record',
      name: 'Alien',
      namespace: 'other',
      fields: [{ name: 'x', type: 'string' }],
    };
    const { id } = await codec.registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: `test-alien-${run}` },
    );
    return writeHeader(id, avro.Type.forSchema(schema as avro.Schema).toBuffer({ x: 'hi' }));
  }

  it('should dead-letter each with its reason and source, and go on with the rest', async () => {
    const [first, second, third] = sampleEvents();
    const garbage = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]);
    const json = Buffer.from('{"type":"MessageSent"}');
    const truncated = (await codec.encode(second!)).subarray(0, 12);
    const deadLetters = await markLogEnd(kafka, deadLetterTopic);
    const value = async (bytes: Buffer | Promise<Buffer>) => ({ key: 'k', value: await bytes });
    await producer.send({
      topic,
      messages: await Promise.all([
        value(garbage),
        value(codec.encode(first!)),
        value(json),
        value(alienRecord()),
        value(truncated),
        value(codec.encode(third!)),
      ]),
    });
    await consumer.start();

    await waitFor('both good events', () => (handled.length >= 2 ? true : undefined));
    expect(handled.map((h) => h.event.envelope.eventId)).toEqual([
      first!.envelope.eventId,
      third!.envelope.eventId,
    ]);
    expect(handled.map((h) => h.offset)).toEqual(['1', '5']);

    const letters = await deadLetters.collect((r) => r.length >= 4);
    const header = (i: number, name: string) => letters[i]!.message.headers?.[name]?.toString();
    expect(letters.map((_, i) => header(i, DEAD_LETTER_HEADERS.errorCode))).toEqual([
      'not-wire-format',
      'not-wire-format',
      'unknown-event-type',
      'corrupt-payload',
    ]);
    expect(letters.map((_, i) => header(i, DEAD_LETTER_HEADERS.sourceOffset))).toEqual([
      '0',
      '2',
      '3',
      '4',
    ]);
    expect(header(0, DEAD_LETTER_HEADERS.sourceTopic)).toBe(topic);
    expect(header(0, DEAD_LETTER_HEADERS.reason)).toMatch(/magic byte is 222/);
    expect(header(2, DEAD_LETTER_HEADERS.reason)).toMatch(/other\.Alien/);
    expect(letters[0]!.message.value).toEqual(garbage);
    expect(letters[3]!.message.value).toEqual(truncated);

    // The partition is not blocked: a later event still arrives.
    const [, , , later] = sampleEvents();
    await producer.send({ topic, messages: [await value(codec.encode(later!))] });
    await waitFor('the later event', () => (handled.length >= 3 ? true : undefined));
    expect(handled[2]!.event.envelope.eventId).toBe(later!.envelope.eventId);
  });
});

describe('a consumer whose handler fails on one event', () => {
  const run = randomUUID();
  const topic = `test.refused.${run}`;
  const deadLetterTopic = `test.refused-letters.${run}`;
  const codec = createEventCodec({ registryUrl });
  const producer = kafka.producer();
  const applied: string[] = [];
  let outage = false;
  let refusedId = '';
  let refusals = 0;
  const consumer = createEventConsumer({
    kafka,
    codec,
    logger,
    groupId: `test-refused-${run}`,
    topics: [topic],
    fromBeginning: true,
    deadLetters: createDeadLetterPublisher({ kafka, logger, topic: deadLetterTopic }),
    handleBatch: async (batch) => {
      if (outage) throw new Error('connection refused');
      // Like a store refusing a value (Postgres SQLSTATE 22021), twice, then taking it.
      if (refusals < 2 && batch.events.some((e) => e.event.envelope.eventId === refusedId)) {
        refusals++;
        throw Object.assign(new TypeError('invalid byte sequence for encoding "UTF8"'), {
          code: '22021',
        });
      }
      applied.push(...batch.events.map((e) => e.event.envelope.eventId));
    },
  });

  beforeAll(async () => {
    await createSinglePartitionTopics(topic, deadLetterTopic);
    await producer.connect();
  });
  afterAll(async () => {
    await consumer.stop();
    await producer.disconnect();
  });

  it('never dead-letters a decoded event: it retries the batch until the handler takes it', async () => {
    const events = sampleEvents().slice(0, 5);
    refusedId = events[2]!.envelope.eventId;
    const deadLetters = await markLogEnd(kafka, deadLetterTopic);
    await producer.send({
      topic,
      messages: await Promise.all(
        events.map(async (e) => ({ key: 'k', value: await codec.encode(e) })),
      ),
    });
    await consumer.start();
    await waitFor('all five', () => (applied.length >= 5 ? true : undefined), {
      timeoutMs: 60000,
    });
    expect(refusals).toBe(2);
    expect(applied).toEqual(events.map((e) => e.envelope.eventId));
    expect(await deadLetters.collect((r) => r.length > 0, 2000).catch(() => [])).toEqual([]);
  });

  it('retries, rather than dead-letters, when the store is down', async () => {
    const deadLetters = await markLogEnd(kafka, deadLetterTopic);
    outage = true;
    const [later] = sampleEvents().slice(5, 6);
    await producer.send({ topic, messages: [{ key: 'k', value: await codec.encode(later!) }] });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(applied).not.toContain(later!.envelope.eventId);
    outage = false;
    await waitFor(
      'the event after the outage',
      () => (applied.includes(later!.envelope.eventId) ? true : undefined),
      { timeoutMs: 60000 },
    );
    expect(await deadLetters.collect((r) => r.length > 0, 2000).catch(() => [])).toEqual([]);
  });
});
