import { randomUUID } from 'node:crypto';
import { newEnvelope } from '@chat/domain';
import type { ChatEvent, EventAppender } from '@chat/events';
import type { Logger } from '@chat/observability';

type ConnectionEvent = 'Connected' | 'Heartbeat' | 'Disconnected';

/**
 * Connections are what presence is made of: connect, each heartbeat, disconnect become events
 * on the presence topic, which the presence projection folds. Lost reports are not retried:
 * the next heartbeat, or the TTL, corrects them.
 */
export class PresenceReporter {
  constructor(
    private readonly appender: EventAppender,
    private readonly gatewayId: string,
    private readonly logger: Logger,
  ) {}

  report(
    type: ConnectionEvent,
    userId: string,
    deviceId: string | null,
    connectionId: string,
  ): void {
    const event = {
      type,
      envelope: newEnvelope(type, {
        actor: { userId, deviceId },
        now: Date.now(),
        correlationId: connectionId,
        newEventId: randomUUID,
      }),
      userId,
      // A device without an id (a token that names none) is its connection.
      deviceId: deviceId ?? connectionId,
      gatewayId: this.gatewayId,
    } as ChatEvent;
    this.appender.append([event]).catch((error: unknown) => {
      this.logger.warn({ err: error, type, userId }, 'presence report lost');
    });
  }
}
