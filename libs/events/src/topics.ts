import type { ChatEvent, EventType } from './generated/event-types';

/**
 * Topic names and how each event type is routed. Nothing else in the project spells a topic.
 *
 * Every conversation-scoped event (lifecycle, membership, messages, reactions, receipts) shares
 * one topic keyed by conversation id: Kafka then keeps one total order per conversation, which
 * is what makes the per-conversation seq deterministic and lets projections judge an event by
 * the membership at its position in the log.
 */
export const TOPICS = {
  conversations: 'chat.conversations.v1',
  presence: 'chat.presence.v1',
  deadLetters: 'chat.dead-letters.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

type PresenceEventType = 'Connected' | 'Disconnected' | 'Heartbeat' | 'PresenceSettingsChanged';
const PRESENCE_EVENTS: ReadonlySet<EventType> = new Set<PresenceEventType>([
  'Connected',
  'Disconnected',
  'Heartbeat',
  'PresenceSettingsChanged',
]);

export type PresenceEvent = Extract<ChatEvent, { type: PresenceEventType }>;
export type ConversationEvent = Exclude<ChatEvent, PresenceEvent>;

export function isPresenceEvent(event: ChatEvent): event is PresenceEvent {
  return PRESENCE_EVENTS.has(event.type);
}

export function topicOf(type: EventType): TopicName {
  return PRESENCE_EVENTS.has(type) ? TOPICS.presence : TOPICS.conversations;
}

/** The partition key: conversation id, or user id for presence. */
export function partitionKeyOf(event: ChatEvent): string {
  return isPresenceEvent(event) ? event.userId : event.conversationId;
}

export const EVENT_NAMESPACE = 'chat.events';

/**
 * Registry subject under the topic-record-name strategy: `<topic>-<namespace>.<record>`.
 * Several record types then evolve independently on one topic, in order.
 */
export function subjectOf(type: EventType): string {
  return `${topicOf(type)}-${EVENT_NAMESPACE}.${type}`;
}

/** Headers our producers set, so tools can route and filter without decoding. */
export const HEADERS = {
  eventType: 'chat-event-type',
} as const;
