import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { bootstrapEventLog } from '../bootstrap';
import { createEventCodec } from '../codec/event-codec';
import type { ChatEvent } from '../generated/event-types';
import { eventLogFixture } from '../testing/event-log-fixture';
import { markLogEnd } from '../testing/log-tail';
import { envelopeFor } from '../testing/sample-events';
import { TOPICS } from '../topics';
import { createEventAppender } from './event-appender';

/**
 * The appender shares produce requests between concurrent appends, with no timer: the appends
 * of one turn go in one request, those arriving while a request is in flight in the next, and
 * every caller hears back only once Kafka has its own events, in the order it appended them.
 */
const { config, kafka, logger, registryUrl } = eventLogFixture('event-appender');
const codec = createEventCodec({ registryUrl });

/** An appender whose produce requests are counted, with how many records each carried. */
function countedAppender() {
  const requests: number[] = [];
  let firstSent!: () => void;
  const sent = new Promise<void>((resolve) => (firstSent = resolve));
  const producer = kafka.producer.bind(kafka);
  jest.spyOn(kafka, 'producer').mockImplementationOnce((options) => {
    const real: Producer = producer(options);
    const sendBatch = real.sendBatch.bind(real);
    real.sendBatch = (batch) => {
      requests.push(batch.topicMessages!.reduce((n, t) => n + t.messages.length, 0));
      const answer = sendBatch(batch);
      firstSent();
      return answer;
    };
    return real;
  });
  return { appender: createEventAppender({ kafka, codec, logger }), requests, sent };
}

const read = (conversationId: string, upToSeq: number): ChatEvent => ({
  type: 'MessagesRead',
  envelope: envelopeFor('MessagesRead'),
  conversationId,
  userId: 'u',
  upToSeq,
});

beforeAll(async () => {
  await bootstrapEventLog(config, logger);
  // The schema is registered and cached first: the appends' encodings then take no round trip.
  await codec.encode(read('warm-up', 1));
});
afterEach(() => jest.restoreAllMocks());

describe('the event appender', () => {
  it('sends the appends of one turn in one request, and acknowledges each caller', async () => {
    const { appender, requests } = countedAppender();
    await appender.connect();
    try {
      const conversationId = `c-${randomUUID()}`;
      const tail = await markLogEnd(kafka, TOPICS.conversations);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => appender.append([read(conversationId, i + 1)])),
      );
      expect(requests).toEqual([20]);
      const records = await tail.collect(
        (r) => r.filter((x) => String(x.message.key) === conversationId).length >= 20,
      );
      const seqs = [];
      for (const { message } of records.filter((x) => String(x.message.key) === conversationId)) {
        seqs.push(((await codec.decode(message.value!)) as { upToSeq: number }).upToSeq);
      }
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await appender.disconnect();
    }
  });

  it('gathers the appends that arrive while a request is in flight into the next one', async () => {
    const { appender, requests, sent } = countedAppender();
    await appender.connect();
    try {
      const conversationId = `c-${randomUUID()}`;
      const first = appender.append([read(conversationId, 1)]);
      await sent;
      // While the first request is at the broker (acks=all: the next wait for its answer).
      const later = [2, 3, 4].map((seq) => appender.append([read(conversationId, seq)]));
      await Promise.all([first, ...later]);
      expect(requests).toEqual([1, 3]);
    } finally {
      await appender.disconnect();
    }
  });
});
