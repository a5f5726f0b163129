import type { ConversationEvent, Envelope, EventType, MemberRole } from '@chat/events';

/** Terse builders for the history of a specification. */
let counter = 0;
const envelope = (type: EventType, userId: string): Envelope => ({
  eventId: `history-${++counter}`,
  eventType: type,
  occurredAt: 0,
  actor: { userId, deviceId: null },
  correlationId: 'history',
  causationId: null,
});

export const CONVERSATION = 'group-1';

export const groupCreated = (
  creatorId: string,
  members: string[],
  conversationId = CONVERSATION,
): ConversationEvent => ({
  type: 'ConversationCreated',
  envelope: envelope('ConversationCreated', creatorId),
  conversationId,
  kind: 'GROUP',
  title: 'Team',
  creatorId,
  members: [creatorId, ...members],
});

export const directCreated = (
  a: string,
  b: string,
  conversationId = 'direct-1',
): ConversationEvent => ({
  type: 'ConversationCreated',
  envelope: envelope('ConversationCreated', a),
  conversationId,
  kind: 'DIRECT',
  title: null,
  creatorId: a,
  members: [a, b],
});

export const memberAdded = (
  userId: string,
  addedBy: string,
  role: MemberRole = 'MEMBER',
  conversationId = CONVERSATION,
  memberLimit: number | null = null,
): ConversationEvent => ({
  type: 'MemberAdded',
  envelope: envelope('MemberAdded', addedBy),
  conversationId,
  userId,
  role,
  addedBy,
  memberLimit,
});

export const memberRemoved = (
  userId: string,
  removedBy: string,
  conversationId = CONVERSATION,
): ConversationEvent => ({
  type: 'MemberRemoved',
  envelope: envelope('MemberRemoved', removedBy),
  conversationId,
  userId,
  reason: userId === removedBy ? 'LEFT' : 'REMOVED',
  removedBy,
});

export const messageSent = (
  senderId: string,
  messageId: string,
  conversationId = CONVERSATION,
  clientMessageId = `client-${messageId}`,
): ConversationEvent => ({
  type: 'MessageSent',
  envelope: envelope('MessageSent', senderId),
  conversationId,
  messageId,
  clientMessageId,
  senderId,
  deviceId: null,
  kind: 'TEXT',
  body: `hello from ${senderId}`,
  replyTo: null,
  ciphertext: null,
  media: null,
});

export const messageDeleted = (
  messageId: string,
  deletedBy: string,
  conversationId = CONVERSATION,
): ConversationEvent => ({
  type: 'MessageDeleted',
  envelope: envelope('MessageDeleted', deletedBy),
  conversationId,
  messageId,
  deletedBy,
});

export const messagesRead = (
  userId: string,
  upToSeq: number,
  conversationId = CONVERSATION,
): ConversationEvent => ({
  type: 'MessagesRead',
  envelope: envelope('MessagesRead', userId),
  conversationId,
  userId,
  upToSeq,
});

export const messagesDelivered = (
  userId: string,
  deviceId: string,
  upToSeq: number,
  conversationId = CONVERSATION,
): ConversationEvent => ({
  type: 'MessagesDelivered',
  envelope: { ...envelope('MessagesDelivered', userId), actor: { userId, deviceId } },
  conversationId,
  userId,
  deviceId,
  upToSeq,
});

export const messageEdited = (
  messageId: string,
  editorId: string,
  body: string,
  conversationId = CONVERSATION,
): ConversationEvent => ({
  type: 'MessageEdited',
  envelope: envelope('MessageEdited', editorId),
  conversationId,
  messageId,
  editorId,
  body,
  ciphertext: null,
});

export const reaction = (
  added: boolean,
  messageId: string,
  userId: string,
  emoji: string,
  conversationId = CONVERSATION,
): ConversationEvent => ({
  type: added ? 'ReactionAdded' : 'ReactionRemoved',
  envelope: envelope(added ? 'ReactionAdded' : 'ReactionRemoved', userId),
  conversationId,
  messageId,
  userId,
  emoji,
});
