import { randomUUID } from 'node:crypto';
import { createKafka } from '@chat/events';
import { createLogger } from '@chat/observability';
import { startCommandApi } from '../test/harness/command-api';
import { startInboxProjector } from '../test/harness/inbox-projector';
import { openLoop } from './lib/open-loop';
import { percentiles, round } from './lib/stats';

/**
 * Latency of the two media calls of the command API, open loop at a fixed rate, against the
 * local stack: an upload intent (policy check, pre-signing, the ownership event appended to
 * Kafka) and a download URL (membership view read, HEAD of the object, pre-signing).
 *
 * Usage: npm run bench:media [-- <requests per second> <seconds>]
 */
async function main() {
  const [rate = 100, seconds = 10] = process.argv.slice(2).map(Number);
  const api = await startCommandApi({
    CHAT_RATE_LIMIT_PER_SECOND: '100000',
    CHAT_RATE_LIMIT_BURST: '100000',
  });
  const logger = createLogger('bench-media', 'silent');
  const kafka = createKafka({ brokers: api.config.kafka.value, clientId: 'bench-media' }, logger);
  const projector = await startInboxProjector(api.config, kafka, logger);
  try {
    const run = randomUUID().slice(0, 8);
    const alice = await api.as(`bench-media-${run}-a`);
    const bob = await api.as(`bench-media-${run}-b`);
    const direct = await alice.post('/v1/conversations/direct', { peerId: bob.userId });
    const conversationId = direct.body.conversationId as string;
    const intent = await waitForStatus(
      () => alice.post('/v1/media/uploads', { contentType: 'image/png', sizeBytes: 1024 }),
      201,
    );
    await fetch(intent.body.upload.url, {
      method: 'PUT',
      headers: intent.body.upload.headers,
      body: Buffer.alloc(1024, 1),
    });
    const sent = await waitForStatus(
      () =>
        alice.post(`/v1/conversations/${conversationId}/messages`, {
          clientMessageId: 'bench-photo',
          mediaId: intent.body.mediaId,
        }),
      202,
    );
    const mediaPath = `/v1/conversations/${conversationId}/messages/${sent.body.messageId}/media`;
    await waitForStatus(() => bob.send('GET', mediaPath), 200);

    const total = rate * seconds;
    const measure = async (name: string, call: () => Promise<{ status: number }>, ok: number) => {
      const latencies: number[] = [];
      let failed = 0;
      const start = performance.now();
      await openLoop(rate, total, async (_, due) => {
        const response = await call();
        if (response.status === ok) latencies.push(performance.now() - due);
        else failed++;
      });
      const elapsed = (performance.now() - start) / 1000;
      console.log(
        JSON.stringify({
          call: name,
          offeredPerSecond: rate,
          answeredPerSecond: round(latencies.length / elapsed),
          failed,
          latencyMs: Object.fromEntries(
            Object.entries(percentiles(latencies)).map(([p, v]) => [p, round(v)]),
          ),
        }),
      );
    };
    await measure(
      'upload intent (POST /v1/media/uploads)',
      () => alice.post('/v1/media/uploads', { contentType: 'image/png', sizeBytes: 1024 }),
      201,
    );
    await measure('download URL (GET .../media)', () => bob.send('GET', mediaPath), 200);
  } finally {
    await projector.stop();
    await api.close();
  }
}

async function waitForStatus<T extends { status: number }>(
  call: () => Promise<T>,
  status: number,
): Promise<T> {
  for (let tries = 0; tries < 100; tries++) {
    const response = await call();
    if (response.status === status) return response;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${status} after 100 tries`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
