import { randomUUID } from 'node:crypto';
import {
  createEventCodec,
  createLogAdmin,
  type ChatEvent,
  type ConversationEvent,
  type LogClient,
} from '@chat/events';
import { waitFor } from '@chat/events/testing';

/**
 * Records every event appended to a topic from now on, decoded through the registry: one
 * consumer per test file, so tests can read back what a command put in the log.
 */
export async function startEventRecorder(kafka: LogClient, registryUrl: string, topic: string) {
  const codec = createEventCodec({ registryUrl });
  const admin = await createLogAdmin(kafka);
  const ends = await admin.partitionOffsets(topic);
  await admin.disconnect();
  const events: Array<ChatEvent & { partition: number }> = [];
  const consumer = kafka.consumer({ groupId: `recorder-${randomUUID()}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  // Seeks at every join: a consumer that crashes (a broker still settling) is restarted by the
  // client and joins again, and must start from the same ends. What it reads twice is dropped.
  const recorded = new Set<string>();
  consumer.on(consumer.events.GROUP_JOIN, () =>
    ends.forEach(({ partition, high }) => consumer.seek({ topic, partition, offset: high })),
  );
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const at = `${partition}:${message.offset}`;
      if (recorded.has(at)) return;
      recorded.add(at);
      events.push({ ...(await codec.decode(message.value)), partition });
    },
  });

  const matching = (predicate: (event: ChatEvent) => boolean) => events.filter(predicate);
  return {
    all: () => [...events],
    of: (conversationId: string) =>
      events.filter((e) => 'conversationId' in e && e.conversationId === conversationId) as Array<
        ConversationEvent & { partition: number }
      >,
    /** Waits until at least `count` recorded events match. */
    async waitFor(what: string, predicate: (event: ChatEvent) => boolean, count = 1) {
      return waitFor(what, () => {
        const found = matching(predicate);
        return found.length >= count ? found : undefined;
      });
    },
    stop: () => consumer.disconnect(),
  };
}

export type EventRecorder = Awaited<ReturnType<typeof startEventRecorder>>;
