import type { Actor, Envelope, EventType } from '@chat/events';

/** Where the metadata of new events comes from: the request, not the clock or a random source. */
export interface EnvelopeSource {
  actor: Actor;
  now: number;
  correlationId: string;
  newEventId(): string;
}

/** The envelope of one new event caused by a request. */
export const newEnvelope = (type: EventType, source: EnvelopeSource): Envelope => ({
  eventId: source.newEventId(),
  eventType: type,
  occurredAt: source.now,
  actor: source.actor,
  correlationId: source.correlationId,
  causationId: null,
});
