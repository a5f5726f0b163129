import type { ConversationEvent } from '@chat/events';
import { newEnvelope, type EnvelopeSource } from '../envelope';

/** What an event says, without its envelope, kept per event type. */
export type EventContent = ConversationEvent extends infer E
  ? E extends ConversationEvent
    ? Omit<E, 'envelope'>
    : never
  : never;

/** An event a request causes: what it says, in the envelope of that request. */
export function newEvent(source: EnvelopeSource, content: EventContent): ConversationEvent {
  const { type, ...says } = content;
  return { type, envelope: newEnvelope(type, source), ...says } as ConversationEvent;
}
