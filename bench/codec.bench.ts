import { loadConfig } from '@chat/config';
import { bootstrapEventLog, createEventCodec, type ChatEvent } from '@chat/events';
import { createLogger } from '@chat/observability';
import { sampleEvents } from '../libs/events/src/testing/sample-events';

/**
 * Avro codec rates with warm registry caches: what one core spends per event on the wire
 * format, apart from Kafka. Usage: npm run bench:codec [-- <events>]
 */
async function main() {
  const count = Number(process.argv[2] ?? 200000);
  const config = loadConfig();
  await bootstrapEventLog(config, createLogger('bench', 'fatal'));
  const codec = createEventCodec({ registryUrl: config.registry.value });
  const events = sampleEvents();
  const message = events.find((e) => e.type === 'MessageSent')!;
  const text: ChatEvent = {
    ...message,
    ciphertext: null,
    media: null,
    body: 'x'.repeat(100),
  } as ChatEvent;

  for (const [label, event] of [
    ['MessageSent, 100-char text', text],
    ['MessagesRead (receipt)', events.find((e) => e.type === 'MessagesRead')!],
  ] as const) {
    await codec.decode(await codec.encode(event)); // warm the id and resolver caches
    let start = process.hrtime.bigint();
    let bytes: Buffer = Buffer.alloc(0);
    for (let i = 0; i < count; i += 1) bytes = await codec.encode(event);
    const encodeSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    start = process.hrtime.bigint();
    for (let i = 0; i < count; i += 1) await codec.decode(bytes);
    const decodeSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(
      `${label}: ${bytes.length} bytes; encode ${Math.round(count / encodeSeconds).toLocaleString('en')} events/s; decode ${Math.round(count / decodeSeconds).toLocaleString('en')} events/s (${count.toLocaleString('en')} events)`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
