import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import { createLogAdmin, type EventAppender } from '@chat/events';
import { CommandHandling } from './command-handling';
import { createEventLog, type EventLog } from './event-log';

/**
 * Command handling on a process's own connections: the batching appender (acks=all,
 * idempotent producer) under the append deadline, and the log admin for the stale-view
 * catch-up, connected on first use.
 */
export function createCommandHandling(
  config: Config,
  deps: { pool: Pool; redis: Redis; kafka: Kafka; appender: EventAppender },
): { handling: CommandHandling; log: EventLog } {
  const log = createEventLog(
    deps.appender,
    () => createLogAdmin(deps.kafka),
    config.appendTimeoutMs,
  );
  return { handling: new CommandHandling({ ...deps, log, config }), log };
}
