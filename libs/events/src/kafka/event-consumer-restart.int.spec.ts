import { randomUUID } from 'node:crypto';
import { bootstrapEventLog } from '../bootstrap';
import { createEventCodec } from '../codec/event-codec';
import { createDeadLetterPublisher, type DeadLetterPublisher } from '../dead-letter/dead-letters';
import { eventLogFixture } from '../testing/event-log-fixture';
import { sampleEvents } from '../testing/sample-events';
import { waitFor } from '../testing/wait-for';
import { createEventConsumer, type ConsumedEvent } from './event-consumer';

const { config, kafka, logger, registryUrl } = eventLogFixture('event-consumer-restart');

/**
 * kafkajs stops a consumer for good when it crashes on an error marked non-retriable, and the
 * process goes on without reading its partitions. The shared consumer restarts it, and the
 * restarted one reads again from the last committed offset: nothing is skipped.
 */
describe('a consumer that crashes on a non-retriable error', () => {
  const run = randomUUID();
  const topic = `test.crash.${run}`;
  const deadLetterTopic = `test.crash-letters.${run}`;
  const codec = createEventCodec({ registryUrl });
  const producer = kafka.producer();
  const handled: ConsumedEvent[] = [];
  const real = createDeadLetterPublisher({ kafka, logger, topic: deadLetterTopic });
  let failures = 0;
  // The first dead letter fails as kafkajs gives up on for good: a crash without a restart.
  const deadLetters: DeadLetterPublisher = {
    connect: () => real.connect(),
    disconnect: () => real.disconnect(),
    async publish(letter) {
      if (failures++ === 0) {
        throw Object.assign(new Error('refused for good'), { retriable: false });
      }
      await real.publish(letter);
    },
  };
  const consumer = createEventConsumer({
    kafka,
    codec,
    logger,
    groupId: `test-crash-${run}`,
    topics: [topic],
    fromBeginning: true,
    deadLetters,
    handleBatch: async (batch) => {
      handled.push(...batch.events);
    },
  });

  beforeAll(async () => {
    await bootstrapEventLog(config, logger);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [topic, deadLetterTopic].map((name) => ({ topic: name, numPartitions: 1 })),
    });
    await admin.disconnect();
    await producer.connect();
  });
  afterAll(async () => {
    await consumer.stop();
    await producer.disconnect();
  });

  it('should be restarted and go on from where it was, skipping nothing', async () => {
    const [before, after] = sampleEvents();
    await producer.send({
      topic,
      messages: [
        { key: 'k', value: await codec.encode(before!) },
        { key: 'k', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
        { key: 'k', value: await codec.encode(after!) },
      ],
    });
    await consumer.start();

    await waitFor('the event after the crash', () => (handled.length >= 2 ? true : undefined), {
      timeoutMs: 30000,
    });
    expect(failures).toBe(2);
    // The batch that crashed is read again whole: the record that could not be dead-lettered
    // goes to the dead-letter topic this time, and both events are handled, each once.
    expect(handled.map((h) => h.offset)).toEqual(['0', '2']);
    expect(handled.map((h) => h.event.envelope.eventId)).toEqual([
      before!.envelope.eventId,
      after!.envelope.eventId,
    ]);
    await waitFor('the consumer ready again', () => (consumer.ready ? true : undefined));
  });
});
