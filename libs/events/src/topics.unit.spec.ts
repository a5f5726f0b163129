import { EVENT_TYPES } from './generated/event-types';
import { sampleEvents } from './testing/sample-events';
import { partitionKeyOf, subjectOf, topicOf, TOPICS } from './topics';

describe('event routing', () => {
  it('should keep every conversation event on one topic keyed by conversation id', () => {
    const events = sampleEvents('conv-1').filter(
      (event) => topicOf(event.type) === TOPICS.conversations,
    );
    expect(events.length).toBeGreaterThan(5);
    expect(new Set(events.map(partitionKeyOf))).toEqual(new Set(['conv-1']));
  });

  it('should key presence events by user id on the presence topic', () => {
    const presence = sampleEvents().filter((event) => topicOf(event.type) === TOPICS.presence);
    expect(presence.map((event) => event.type).sort()).toEqual([
      'Connected',
      'Disconnected',
      'Heartbeat',
      'PresenceSettingsChanged',
    ]);
    expect(new Set(presence.map(partitionKeyOf))).toEqual(new Set(['user-bob']));
  });

  it('should key media events by owner on the media topic', () => {
    const media = sampleEvents().filter((event) => topicOf(event.type) === TOPICS.media);
    expect(media.map((event) => event.type)).toEqual(['MediaUploadRequested']);
    expect(media.map(partitionKeyOf)).toEqual(['user-alice']);
  });

  it('should key push subscriptions and mutes by user on the notifications topic', () => {
    const notifications = sampleEvents().filter(
      (event) => topicOf(event.type) === TOPICS.notifications,
    );
    expect(notifications.map((event) => event.type).sort()).toEqual([
      'ConversationMuteChanged',
      'PushSubscriptionRegistered',
      'PushSubscriptionRemoved',
    ]);
    expect(new Set(notifications.map(partitionKeyOf))).toEqual(new Set(['user-bob']));
  });

  it('should name subjects by topic and record so types on one topic evolve apart', () => {
    expect(subjectOf('MessageSent')).toBe('chat.conversations.v1-chat.events.MessageSent');
    expect(new Set(EVENT_TYPES.map(subjectOf)).size).toBe(EVENT_TYPES.length);
  });

  it('should have a sample for every event type', () => {
    expect(
      sampleEvents()
        .map((event) => event.type)
        .sort(),
    ).toEqual([...EVENT_TYPES].sort());
  });
});
