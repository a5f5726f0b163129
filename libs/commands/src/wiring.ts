import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import { createLogAdmin, type EventAppender } from '@chat/events';
import { createLogger } from '@chat/observability';
import type { ObjectStore } from '@chat/storage';
import { CommandHandling } from './command-handling';
import { createEventLog, type EventLog } from './event-log';
import { MediaAttachments } from './media-attachments';

/**
 * Command handling on a process's own connections: the batching appender (acks=all,
 * idempotent producer) under the append deadline, and the log admin for the stale-view
 * catch-up, connected on first use; media on messages through the object store, if given.
 */
export function createCommandHandling(
  config: Config,
  deps: { pool: Pool; redis: Redis; kafka: Kafka; appender: EventAppender; objects?: ObjectStore },
): { handling: CommandHandling; log: EventLog } {
  const log = createEventLog(
    deps.appender,
    () => createLogAdmin(deps.kafka),
    config.appendTimeoutMs,
  );
  const media =
    deps.objects &&
    new MediaAttachments(
      deps.objects,
      deps.pool,
      config.media,
      createLogger('media', config.logLevel),
    );
  return {
    handling: new CommandHandling({
      pool: deps.pool,
      redis: deps.redis,
      log,
      config,
      ...(media ? { media } : {}),
    }),
    log,
  };
}
