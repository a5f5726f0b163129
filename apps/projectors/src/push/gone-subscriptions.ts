import { randomUUID } from 'node:crypto';
import {
  removePushSubscription,
  PUSH_REMOVAL_REASONS,
  type DevicePushSubscription,
} from '@chat/domain';
import type { ChatEvent } from '@chat/events';
import type { Logger } from '@chat/observability';

/**
 * Says in the log that a push service called a subscription gone. State changes only through
 * the log: the projection removes the row when the event lands. Each endpoint is reported once
 * per process, unless the append failed (then the next push to it reports again).
 */
export class GoneSubscriptions {
  private readonly reported = new Set<string>();

  constructor(
    private readonly log: { append(events: ChatEvent[]): Promise<void> },
    private readonly logger: Logger,
  ) {}

  async report({ userId, deviceId, endpoint }: DevicePushSubscription): Promise<void> {
    if (this.reported.has(endpoint)) return;
    this.reported.add(endpoint);
    const event = removePushSubscription(
      { userId, deviceId, endpoint },
      PUSH_REMOVAL_REASONS.gone,
      {
        actor: { userId, deviceId },
        now: Date.now(),
        correlationId: randomUUID(),
        newEventId: randomUUID,
      },
    );
    await this.log.append([event]).catch((error: unknown) => {
      this.reported.delete(endpoint);
      this.logger.warn({ err: error, userId, deviceId }, 'could not record a gone subscription');
    });
  }
}
