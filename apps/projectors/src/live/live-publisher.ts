import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import type { Logger } from '@chat/observability';
import {
  LIVE_CHANNELS,
  ReaderVersions,
  type PresenceTouched,
  type ProjectedBatch,
  type PROJECTIONS,
} from '@chat/views';
import type { Pool } from 'pg';

const published = new Counter({
  name: 'chat_live_published_total',
  help: 'Messages published to gateways after projection, by outcome',
  labelNames: ['channel', 'outcome'] as const,
});

/** Tells gateways what was just projected. Only the version readers use speaks. */
export interface LivePublisher {
  projected(version: number, batches: ProjectedBatch[]): Promise<void>;
  presenceTouched(version: number, userIds: string[]): Promise<void>;
}

/**
 * A failed publication (Redis, or Postgres asking which version readers use) fails the batch:
 * the position has not moved, so the batch is retried and its changes published from the
 * change log (see timelineProjection). A rebuild's version stays quiet until readers switch to
 * it, so clients do not get every event twice.
 */
export function createLivePublisher(redis: Redis, pool: Pool, logger: Logger): LivePublisher {
  const readers = new ReaderVersions(pool);
  const isReader = async (
    projection: typeof PROJECTIONS.timeline | typeof PROJECTIONS.presence,
    version: number,
  ) => (await readers.of(projection)) === version;

  async function publish(channel: string, messages: unknown[]) {
    if (messages.length === 0) return;
    try {
      const pipeline = redis.pipeline();
      for (const message of messages) pipeline.publish(channel, JSON.stringify(message));
      // A pipeline resolves even when its commands fail: each result says.
      const failed = (await pipeline.exec())?.find(([error]) => error)?.[0];
      if (failed) throw failed;
      published.inc({ channel, outcome: 'sent' }, messages.length);
    } catch (error) {
      published.inc({ channel, outcome: 'failed' }, messages.length);
      logger.warn({ err: error, channel }, 'could not publish to gateways; the batch is retried');
      throw error;
    }
  }

  return {
    async projected(version, batches) {
      if (batches.length > 0 && (await isReader('timeline', version))) {
        await publish(LIVE_CHANNELS.projected, batches);
      }
    },
    async presenceTouched(version, userIds) {
      if (userIds.length > 0 && (await isReader('presence', version))) {
        const touched: PresenceTouched = { userIds };
        await publish(LIVE_CHANNELS.presence, [touched]);
      }
    },
  };
}
