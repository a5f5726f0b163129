// Generated from schemas/*.avsc by `npm run codegen`. Do not edit by hand.
/* eslint-disable */

/** A device opened a connection to a gateway instance. */
export interface Connected {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'Connected';
  /** Event metadata. */
  envelope: Envelope;
  /** The user; the partition key of presence events. */
  userId: string;
  /** The user's device. */
  deviceId: string;
  /** The gateway instance holding the connection, for routing. */
  gatewayId: string;
}

/** Metadata every event carries. Shared by all event records; inlined into each by the schema loader. */
export interface Envelope {
  /** Unique id of this event (UUID), used for idempotent handling. */
  eventId: string;
  /** The record name of the event, e.g. MessageSent. */
  eventType: string;
  /** When the command that caused the event was accepted, epoch milliseconds UTC. */
  occurredAt: number;
  /** Who caused the event. */
  actor: Actor;
  /** Id shared by every event caused by one client request, for tracing. */
  correlationId: string;
  /** Id of the event or request that directly caused this one. */
  causationId: null | string;
}

/** The authenticated user (and device, when known) behind a command. */
export interface Actor {
  /** Id of the user who issued the command. */
  userId: string;
  /** Id of the user's device, when the command came from one. */
  deviceId: null | string;
}

/** A direct (1:1) or group conversation came into being with its initial members. */
export interface ConversationCreated {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'ConversationCreated';
  /** Event metadata. */
  envelope: Envelope;
  /** Id of the new conversation; the partition key of its events. */
  conversationId: string;
  /** Direct or group. */
  kind: ConversationKind;
  /** Group title; null for direct conversations. */
  title: null | string;
  /** User who created the conversation; the first admin of a group. */
  creatorId: string;
  /** Initial member user ids, the creator included. */
  members: Array<string>;
}

/** Direct conversations have exactly two fixed members; groups have admins. */
export type ConversationKind = 'DIRECT' | 'GROUP';

/** A member muted or unmuted a conversation's push notifications for all their devices. Messages still arrive; only pushes stop. */
export interface ConversationMuteChanged {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'ConversationMuteChanged';
  /** Event metadata. */
  envelope: Envelope;
  /** The member; the partition key of notification events. */
  userId: string;
  /** The conversation muted or unmuted. */
  conversationId: string;
  /** True: no pushes for this conversation. */
  muted: boolean;
}

/** A device's connection to a gateway instance closed or timed out. */
export interface Disconnected {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'Disconnected';
  /** Event metadata. */
  envelope: Envelope;
  /** The user; the partition key of presence events. */
  userId: string;
  /** The user's device. */
  deviceId: string;
  /** The gateway instance holding the connection, for routing. */
  gatewayId: string;
}

/** A connected device is still alive; refreshes its presence TTL. */
export interface Heartbeat {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'Heartbeat';
  /** Event metadata. */
  envelope: Envelope;
  /** The user; the partition key of presence events. */
  userId: string;
  /** The user's device. */
  deviceId: string;
  /** The gateway instance holding the connection, for routing. */
  gatewayId: string;
}

/** A user was given a pre-signed URL to upload one object: who owns the media id, and what it may be. */
export interface MediaUploadRequested {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MediaUploadRequested';
  /** Event metadata. */
  envelope: Envelope;
  /** Server-assigned id of the media (UUID). */
  mediaId: string;
  /** The user who may upload it and reference it in a message; the partition key of media events. */
  ownerId: string;
  /** Key of the object in the media bucket, derived from the owner and the media id. */
  objectKey: string;
  /** The MIME type the upload is signed for. */
  contentType: string;
  /** The exact size in bytes the upload is signed for. */
  sizeBytes: number;
  /** Hex SHA-256 of the bytes, when the client gave it (of the ciphertext for encrypted media). */
  sha256: null | string;
  /** When the upload URL stops working, epoch milliseconds UTC. */
  expiresAt: number;
}

/** A user joined a group conversation. */
export interface MemberAdded {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MemberAdded';
  /** Event metadata. */
  envelope: Envelope;
  /** The group. */
  conversationId: string;
  /** The user who became a member. */
  userId: string;
  /** Role of the new member. */
  role: MemberRole;
  /** Admin who added the member. */
  addedBy: string;
  /** The most members the group may have with this one; an add past it is ignored. Null: no limit (events from before the limit was carried). */
  memberLimit: null | number;
}

/** Admins may add, remove and change roles of members. */
export type MemberRole = 'MEMBER' | 'ADMIN';

/** A user stopped being a member of a group conversation, removed by an admin or by leaving. */
export interface MemberRemoved {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MemberRemoved';
  /** Event metadata. */
  envelope: Envelope;
  /** The group. */
  conversationId: string;
  /** The user who is no longer a member. */
  userId: string;
  /** REMOVED by an admin, or LEFT by the member. */
  reason: RemovalReason;
  /** User who caused the removal; the member itself when it left. */
  removedBy: string;
}

/** Why a membership ended. */
export type RemovalReason = 'REMOVED' | 'LEFT';

/** An admin changed a member's role in a group. */
export interface MemberRoleChanged {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MemberRoleChanged';
  /** Event metadata. */
  envelope: Envelope;
  /** The group. */
  conversationId: string;
  /** The member whose role changed. */
  userId: string;
  /** The new role. */
  role: MemberRole;
  /** Admin who changed it. */
  changedBy: string;
}

/** A message was deleted for everyone; it stays in the timeline as deleted, without content. */
export interface MessageDeleted {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MessageDeleted';
  /** Event metadata. */
  envelope: Envelope;
  /** Conversation of the message. */
  conversationId: string;
  /** The deleted message. */
  messageId: string;
  /** The author or a group admin. */
  deletedBy: string;
}

/** The author replaced the content of a message. */
export interface MessageEdited {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MessageEdited';
  /** Event metadata. */
  envelope: Envelope;
  /** Conversation of the message. */
  conversationId: string;
  /** The edited message. */
  messageId: string;
  /** User who edited it (always the author). */
  editorId: string;
  /** New plain text body. */
  body: null | string;
  /** New encrypted payload. */
  ciphertext: null | Ciphertext;
}

/** An encrypted payload and how to decrypt it on a device. */
export interface Ciphertext {
  /** Client-side scheme, e.g. signal-v3 or mls-1. */
  algorithm: string;
  /** The encrypted bytes. */
  data: Buffer;
}

/** A member posted a message. Its per-conversation seq is assigned by the projections from log order. */
export interface MessageSent {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MessageSent';
  /** Event metadata. */
  envelope: Envelope;
  /** Conversation the message belongs to. */
  conversationId: string;
  /** Server-assigned unique message id. */
  messageId: string;
  /** Id chosen by the sending client; a retry with the same id never creates a second message. */
  clientMessageId: string;
  /** User who sent the message. */
  senderId: string;
  /** Device the message was sent from. */
  deviceId: null | string;
  /** Text, media or a system notice. */
  kind: MessageKind;
  /** Plain text body; null when the message is end-to-end encrypted or media only. */
  body: null | string;
  /** Message id this message replies to. */
  replyTo: null | string;
  /** Opaque end-to-end encrypted payload; the server stores and relays it without reading it. */
  ciphertext: null | Ciphertext;
  /** Reference to an uploaded object, for media messages. */
  media: null | MediaReference;
}

/** What the message carries. */
export type MessageKind = 'TEXT' | 'MEDIA' | 'SYSTEM';

/** An object in object storage uploaded through a pre-signed URL. */
export interface MediaReference {
  /** Key of the object in the media bucket. */
  objectKey: string;
  /** MIME type of the object. */
  contentType: string;
  /** Size of the object in bytes. */
  sizeBytes: number;
}

/** A member's device received every message of a conversation up to a seq (cumulative). */
export interface MessagesDelivered {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MessagesDelivered';
  /** Event metadata. */
  envelope: Envelope;
  /** The conversation. */
  conversationId: string;
  /** The member. */
  userId: string;
  /** The member's device that acknowledged. */
  deviceId: string;
  /** Every message with seq <= upToSeq is delivered to this device. */
  upToSeq: number;
}

/** A member read every message of a conversation up to a seq (cumulative, across devices). */
export interface MessagesRead {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'MessagesRead';
  /** Event metadata. */
  envelope: Envelope;
  /** The conversation. */
  conversationId: string;
  /** The member. */
  userId: string;
  /** Every message with seq <= upToSeq is read. */
  upToSeq: number;
}

/** A user chose whether others may see when they were last online. */
export interface PresenceSettingsChanged {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'PresenceSettingsChanged';
  /** Event metadata. */
  envelope: Envelope;
  /** The user; the partition key of presence events. */
  userId: string;
  /** False hides the user's last seen time from everyone else; online is still shown. */
  lastSeenVisible: boolean;
}

/** A device gave a Web Push subscription (RFC 8030/8291) to be told of messages while it has no live connection. It replaces any earlier subscription of that device. */
export interface PushSubscriptionRegistered {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'PushSubscriptionRegistered';
  /** Event metadata. */
  envelope: Envelope;
  /** The device's user; the partition key of notification events. */
  userId: string;
  /** The device the subscription belongs to. */
  deviceId: string;
  /** The push service URL the browser gave (the push resource, RFC 8030). */
  endpoint: string;
  /** The user agent's P-256 public key, base64url: the payload is encrypted to it (RFC 8291). */
  p256dh: string;
  /** The 16-byte authentication secret, base64url, mixed into the payload's key (RFC 8291). */
  auth: string;
}

/** A device's Web Push subscription ends: the device unregistered it, or its push service answered that it no longer exists. */
export interface PushSubscriptionRemoved {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'PushSubscriptionRemoved';
  /** Event metadata. */
  envelope: Envelope;
  /** The device's user; the partition key of notification events. */
  userId: string;
  /** The device whose subscription ends. */
  deviceId: string;
  /** The endpoint that ends (a newer subscription of the device with another endpoint stays), or empty when the device unregistered whatever it had. */
  endpoint: string;
  /** Why: "unregistered" (the device asked) or "gone" (the push service answered 404 or 410). */
  reason: string;
}

/** A member reacted to a message with an emoji. */
export interface ReactionAdded {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'ReactionAdded';
  /** Event metadata. */
  envelope: Envelope;
  /** Conversation of the message. */
  conversationId: string;
  /** The message reacted to. */
  messageId: string;
  /** The member reacting. */
  userId: string;
  /** The reaction, one emoji. */
  emoji: string;
}

/** A member took back a reaction. */
export interface ReactionRemoved {
  /** The event type; not serialized: the Avro record name carries it. */
  type: 'ReactionRemoved';
  /** Event metadata. */
  envelope: Envelope;
  /** Conversation of the message. */
  conversationId: string;
  /** The message reacted to. */
  messageId: string;
  /** The member reacting. */
  userId: string;
  /** The reaction, one emoji. */
  emoji: string;
}

export const EVENT_TYPES = ['Connected', 'ConversationCreated', 'ConversationMuteChanged', 'Disconnected', 'Heartbeat', 'MediaUploadRequested', 'MemberAdded', 'MemberRemoved', 'MemberRoleChanged', 'MessageDeleted', 'MessageEdited', 'MessageSent', 'MessagesDelivered', 'MessagesRead', 'PresenceSettingsChanged', 'PushSubscriptionRegistered', 'PushSubscriptionRemoved', 'ReactionAdded', 'ReactionRemoved'] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type ChatEvent = Connected | ConversationCreated | ConversationMuteChanged | Disconnected | Heartbeat | MediaUploadRequested | MemberAdded | MemberRemoved | MemberRoleChanged | MessageDeleted | MessageEdited | MessageSent | MessagesDelivered | MessagesRead | PresenceSettingsChanged | PushSubscriptionRegistered | PushSubscriptionRemoved | ReactionAdded | ReactionRemoved;
