import { randomUUID } from 'node:crypto';
import { bootstrapEventLog } from '../bootstrap';
import { createDeadLetterPublisher } from '../dead-letter/dead-letters';
import type { ChatEvent } from '../generated/event-types';
import { createEventAppender } from '../kafka/event-appender';
import { eventLogFixture } from '../testing/event-log-fixture';
import { markLogEnd } from '../testing/log-tail';
import { sampleEvents } from '../testing/sample-events';
import { HEADERS, partitionKeyOf, topicOf, TOPICS } from '../topics';
import { createEventCodec } from './event-codec';

const { config, kafka, logger, registryUrl } = eventLogFixture('event-codec');

describe('every event type through the registry and Kafka', () => {
  const codec = createEventCodec({ registryUrl });
  const appender = createEventAppender({ kafka, codec, logger });

  beforeAll(async () => {
    await bootstrapEventLog(config, logger);
    await appender.connect();
  });
  afterAll(() => appender.disconnect());

  it('should append each type keyed by its partition key and read it back equal', async () => {
    const events = sampleEvents();
    // Every topic an event type is routed to, each read from its end as of now.
    const topics = [...new Set(events.map((event) => topicOf(event.type)))];
    const tails = await Promise.all(topics.map((topic) => markLogEnd(kafka, topic)));
    const ours = new Set(events.map((event) => event.envelope.eventId));

    await appender.append(events);

    const read = [];
    for (const [i, tail] of tails.entries()) {
      const expected = events.filter((event) => topicOf(event.type) === topics[i]).length;
      const records = await tail.collect((r) => r.length >= expected);
      read.push(...records.filter((r) => r.message.headers?.[HEADERS.eventType] !== undefined));
    }
    const decoded = new Map<string, { event: ChatEvent; key: string }>();
    for (const { message } of read) {
      const event = await codec.decode(message.value);
      if (ours.has(event.envelope.eventId)) {
        decoded.set(event.envelope.eventId, { event, key: message.key!.toString() });
      }
    }
    expect(decoded.size).toBe(events.length);
    for (const event of events) {
      const got = decoded.get(event.envelope.eventId)!;
      expect(got.key).toBe(partitionKeyOf(event));
      expect(JSON.parse(JSON.stringify(got.event))).toEqual(JSON.parse(JSON.stringify(event)));
    }
  });

  it('should write the Confluent wire format with the registered schema id', async () => {
    const [created] = sampleEvents();
    const bytes = await codec.encode(created!);
    expect(bytes[0]).toBe(0);
    const schemaId = bytes.readInt32BE(1);
    const latest = await codec.registry.getLatestSchemaId(
      `${TOPICS.conversations}-chat.events.ConversationCreated`,
    );
    expect(schemaId).toBe(latest);
  });

  it('should refuse to encode an invalid event and name the field', async () => {
    const [created] = sampleEvents();
    const bad = { ...created!, conversationId: 42 } as unknown as ChatEvent;
    await expect(codec.encode(bad)).rejects.toThrow(
      /invalid-event: ConversationCreated has invalid conversationId/,
    );
  });
});

describe('a dead-letter publisher', () => {
  it('should keep the original bytes and say why and where from', async () => {
    const topic = `test.dead-letters.${randomUUID()}`;
    const tail = await (async () => {
      const admin = await kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
      return markLogEnd(kafka, topic);
    })();
    const publisher = createDeadLetterPublisher({ kafka, logger, topic });
    await publisher.connect();
    await publisher.publish({
      source: {
        topic: 'src',
        partition: 3,
        offset: '9007199254740993',
        key: Buffer.from('k'),
        value: Buffer.from([1, 2, 3]),
      },
      consumerGroup: 'group-x',
      errorCode: 'not-wire-format',
      reason: 'magic byte is 1',
    });
    await publisher.disconnect();
    const [letter] = await tail.collect((r) => r.length >= 1);
    const header = (name: string) => letter!.message.headers?.[name]?.toString();
    expect(letter!.message.value).toEqual(Buffer.from([1, 2, 3]));
    expect(header('dlq-reason')).toBe('magic byte is 1');
    expect(header('dlq-source-offset')).toBe('9007199254740993');
    expect(header('dlq-source-partition')).toBe('3');
    expect(header('dlq-consumer-group')).toBe('group-x');
  });
});
