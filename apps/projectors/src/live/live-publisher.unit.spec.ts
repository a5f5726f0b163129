import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Logger } from '@chat/observability';
import type { ProjectedBatch } from '@chat/views';
import { createLivePublisher } from './live-publisher';

const logger = { warn: () => undefined } as unknown as Logger;
const batch: ProjectedBatch = {
  conversationId: 'g-1',
  segments: [{ recipients: ['bob'], changes: [{ type: 'skip', cs: 1 }] }],
};
const readersAt = (version: number) =>
  ({ query: async () => ({ rows: [{ version }] }) }) as unknown as Pool;
/** A Redis whose pipeline answers each publish with `error` (or success). */
const redisAnswering = (error: Error | null) =>
  ({
    pipeline: () => ({
      publish: () => undefined,
      exec: async () => [[error, 1]],
    }),
  }) as unknown as Redis;

describe('the live publisher', () => {
  it('fails when Redis refuses a publish, so the batch is retried', async () => {
    const live = createLivePublisher(redisAnswering(new Error('READONLY')), readersAt(1), logger);
    await expect(live.projected(1, [batch])).rejects.toThrow('READONLY');
  });

  it('fails when it cannot ask Postgres which version readers use', async () => {
    const down = {
      query: async () => {
        throw new Error('ECONNREFUSED');
      },
    } as unknown as Pool;
    const live = createLivePublisher(redisAnswering(null), down, logger);
    await expect(live.projected(1, [batch])).rejects.toThrow('ECONNREFUSED');
  });

  it('stays quiet for a version readers do not use', async () => {
    const live = createLivePublisher(
      redisAnswering(new Error('never asked')),
      readersAt(2),
      logger,
    );
    await expect(live.projected(1, [batch])).resolves.toBeUndefined();
  });
});
