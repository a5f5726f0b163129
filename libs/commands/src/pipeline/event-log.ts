import type { Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Config } from '@chat/config';
import type { ChatEvent, EventAppender, LogAdmin } from '@chat/events';
import { createLogAdmin, EventError } from '@chat/events';
import { CONFIG, EVENT_APPENDER, KAFKA } from '@chat/platform';

/** The command API's handle on Kafka: append with a deadline, and the admin for freshness. */
export interface EventLog {
  /** Resolves once Kafka acknowledged every event; rejects with a retriable EventError. */
  append(events: ChatEvent[]): Promise<void>;
  /** Connected on first use. */
  admin(): Promise<LogAdmin>;
  close(): Promise<void>;
}

export function createEventLog(
  appender: EventAppender,
  connectAdmin: () => Promise<LogAdmin>,
  timeoutMs: number,
): EventLog {
  let admin: Promise<LogAdmin> | undefined;
  return {
    admin() {
      admin ??= connectAdmin().catch((error: unknown) => {
        admin = undefined;
        throw error;
      });
      return admin;
    },

    /** The admin only: the producer is the app's, flushed and closed by the app. */
    async close() {
      const connected = await admin?.catch(() => undefined);
      await connected?.disconnect().catch(() => undefined);
    },

    append(events) {
      // Past the deadline the caller hears 503. The append may still land later: a retry of a
      // send is idempotent, and other commands are judged again by the projections.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new EventError('log-unavailable', `no acknowledgement within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      return Promise.race([appender.append(events), deadline]).finally(() => clearTimeout(timer));
    },
  };
}

/** The log commands append to: `@Inject(EVENT_LOG) log: EventLog`. */
export const EVENT_LOG = Symbol('EVENT_LOG');

/**
 * The log on the app's own producer (batching, acks=all, idempotent) under the configured
 * append deadline, and the log admin for the stale-view catch-up, connected on first use.
 */
export const eventLogProvider: Provider<EventLog> = {
  provide: EVENT_LOG,
  inject: [CONFIG, KAFKA, EVENT_APPENDER],
  useFactory: (config: Config, kafka: Kafka, appender: EventAppender) =>
    createEventLog(appender, () => createLogAdmin(kafka), config.appendTimeoutMs),
};
