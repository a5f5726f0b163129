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
  /** Media uploads, keyed by owner: who may reference which media id. */
  media: 'chat.media.v1',
  /** Push subscriptions and mutes, keyed by user: what the notifier needs to know per user. */
  notifications: 'chat.notifications.v1',
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

type MediaEventType = 'MediaUploadRequested';
const MEDIA_EVENTS: ReadonlySet<EventType> = new Set<MediaEventType>(['MediaUploadRequested']);

type NotificationEventType =
  'PushSubscriptionRegistered' | 'PushSubscriptionRemoved' | 'ConversationMuteChanged';
const NOTIFICATION_EVENTS: ReadonlySet<EventType> = new Set<NotificationEventType>([
  'PushSubscriptionRegistered',
  'PushSubscriptionRemoved',
  'ConversationMuteChanged',
]);

export type PresenceEvent = Extract<ChatEvent, { type: PresenceEventType }>;
export type MediaEvent = Extract<ChatEvent, { type: MediaEventType }>;
export type NotificationEvent = Extract<ChatEvent, { type: NotificationEventType }>;
export type ConversationEvent = Exclude<ChatEvent, PresenceEvent | MediaEvent | NotificationEvent>;

export function isPresenceEvent(event: ChatEvent): event is PresenceEvent {
  return PRESENCE_EVENTS.has(event.type);
}

export function isMediaEvent(event: ChatEvent): event is MediaEvent {
  return MEDIA_EVENTS.has(event.type);
}

export function isNotificationEvent(event: ChatEvent): event is NotificationEvent {
  return NOTIFICATION_EVENTS.has(event.type);
}

export function topicOf(type: EventType): TopicName {
  if (PRESENCE_EVENTS.has(type)) return TOPICS.presence;
  if (NOTIFICATION_EVENTS.has(type)) return TOPICS.notifications;
  return MEDIA_EVENTS.has(type) ? TOPICS.media : TOPICS.conversations;
}

/**
 * The partition key: conversation id, user id for presence and notifications (a mute is the
 * member's setting, not the conversation's, so it stays in order with their subscriptions),
 * owner id for media.
 */
export function partitionKeyOf(event: ChatEvent): string {
  if (isPresenceEvent(event) || isNotificationEvent(event)) return event.userId;
  return isMediaEvent(event) ? event.ownerId : event.conversationId;
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
