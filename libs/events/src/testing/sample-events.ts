import { randomUUID } from 'node:crypto';
import type { ChatEvent, Envelope, EventType } from '../generated/event-types';

/** Builds valid events for tests and benchmarks: one per type, with overridable fields. */
export function envelopeFor(type: EventType, userId = 'user-alice', at = Date.now()): Envelope {
  return {
    eventId: randomUUID(),
    eventType: type,
    occurredAt: at,
    actor: { userId, deviceId: 'device-1' },
    correlationId: randomUUID(),
    causationId: null,
  };
}

export function sampleEvents(conversationId = `conv-${randomUUID()}`): ChatEvent[] {
  const messageId = `msg-${randomUUID()}`;
  const mediaId = randomUUID();
  const common = { conversationId };
  return [
    {
      type: 'ConversationCreated',
      envelope: envelopeFor('ConversationCreated'),
      ...common,
      kind: 'GROUP',
      title: 'Launch 🚀',
      creatorId: 'user-alice',
      members: ['user-alice', 'user-bob'],
    },
    {
      type: 'MemberAdded',
      envelope: envelopeFor('MemberAdded'),
      ...common,
      userId: 'user-carol',
      role: 'MEMBER',
      addedBy: 'user-alice',
      memberLimit: 1000,
    },
    {
      type: 'MemberRoleChanged',
      envelope: envelopeFor('MemberRoleChanged'),
      ...common,
      userId: 'user-carol',
      role: 'ADMIN',
      changedBy: 'user-alice',
    },
    {
      type: 'MessageSent',
      envelope: envelopeFor('MessageSent'),
      ...common,
      messageId,
      clientMessageId: randomUUID(),
      senderId: 'user-alice',
      deviceId: 'device-1',
      kind: 'MEDIA',
      body: 'héllo wörld',
      replyTo: null,
      ciphertext: { algorithm: 'signal-v3', data: Buffer.from([0, 1, 2, 254, 255]) },
      media: { objectKey: 'media/abc.jpg', contentType: 'image/jpeg', sizeBytes: 123456 },
    },
    {
      type: 'MessageEdited',
      envelope: envelopeFor('MessageEdited'),
      ...common,
      messageId,
      editorId: 'user-alice',
      body: 'hello world',
      ciphertext: null,
    },
    {
      type: 'ReactionAdded',
      envelope: envelopeFor('ReactionAdded', 'user-bob'),
      ...common,
      messageId,
      userId: 'user-bob',
      emoji: '👍',
    },
    {
      type: 'ReactionRemoved',
      envelope: envelopeFor('ReactionRemoved', 'user-bob'),
      ...common,
      messageId,
      userId: 'user-bob',
      emoji: '👍',
    },
    {
      type: 'MessagesDelivered',
      envelope: envelopeFor('MessagesDelivered', 'user-bob'),
      ...common,
      userId: 'user-bob',
      deviceId: 'device-9',
      upToSeq: 4,
    },
    {
      type: 'MessagesRead',
      envelope: envelopeFor('MessagesRead', 'user-bob'),
      ...common,
      userId: 'user-bob',
      upToSeq: 4,
    },
    {
      type: 'MessageDeleted',
      envelope: envelopeFor('MessageDeleted'),
      ...common,
      messageId,
      deletedBy: 'user-alice',
    },
    {
      type: 'MemberRemoved',
      envelope: envelopeFor('MemberRemoved', 'user-carol'),
      ...common,
      userId: 'user-carol',
      reason: 'LEFT',
      removedBy: 'user-carol',
    },
    {
      type: 'Connected',
      envelope: envelopeFor('Connected', 'user-bob'),
      userId: 'user-bob',
      deviceId: 'device-9',
      gatewayId: 'gateway-a',
    },
    {
      type: 'Heartbeat',
      envelope: envelopeFor('Heartbeat', 'user-bob'),
      userId: 'user-bob',
      deviceId: 'device-9',
      gatewayId: 'gateway-a',
    },
    {
      type: 'Disconnected',
      envelope: envelopeFor('Disconnected', 'user-bob'),
      userId: 'user-bob',
      deviceId: 'device-9',
      gatewayId: 'gateway-a',
    },
    {
      type: 'PresenceSettingsChanged',
      envelope: envelopeFor('PresenceSettingsChanged', 'user-bob'),
      userId: 'user-bob',
      lastSeenVisible: false,
    },
    {
      type: 'MediaUploadRequested',
      envelope: envelopeFor('MediaUploadRequested', 'user-alice'),
      mediaId,
      ownerId: 'user-alice',
      objectKey: `uploads/user-alice/${mediaId}`,
      contentType: 'image/png',
      sizeBytes: 4096,
      sha256: null,
      expiresAt: Date.now() + 300_000,
    },
    {
      type: 'PushSubscriptionRegistered',
      envelope: envelopeFor('PushSubscriptionRegistered', 'user-bob'),
      userId: 'user-bob',
      deviceId: 'device-9',
      endpoint: 'https://push.example.test/send/abc',
      p256dh:
        'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    },
    {
      type: 'PushSubscriptionRemoved',
      envelope: envelopeFor('PushSubscriptionRemoved', 'user-bob'),
      userId: 'user-bob',
      deviceId: 'device-9',
      endpoint: 'https://push.example.test/send/abc',
      reason: 'unregistered',
    },
    {
      type: 'ConversationMuteChanged',
      envelope: envelopeFor('ConversationMuteChanged', 'user-bob'),
      userId: 'user-bob',
      conversationId,
      muted: true,
    },
  ];
}
