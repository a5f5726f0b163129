import type {
  ConversationMuteChanged,
  PushSubscriptionRegistered,
  PushSubscriptionRemoved,
} from '@chat/events';
import type { ConversationState } from '../conversation/conversation-state';
import { newEnvelope, type EnvelopeSource } from '../envelope';
import { DomainError } from '../errors';
import { isInternalAddress, isLocalHostName } from './internal-addresses';

/** Why a subscription ends; the values the `reason` field of PushSubscriptionRemoved holds. */
export const PUSH_REMOVAL_REASONS = {
  /** The device asked. */
  unregistered: 'unregistered',
  /** Its push service answered 404 or 410: the subscription no longer exists there. */
  gone: 'gone',
} as const;
export type PushRemovalReason = (typeof PUSH_REMOVAL_REASONS)[keyof typeof PUSH_REMOVAL_REASONS];

/** What a browser's PushSubscription gives (RFC 8030 endpoint, RFC 8291 keys). */
export interface PushSubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** A subscription as the notifier holds it: whose device, and where to push. */
export interface DevicePushSubscription extends PushSubscriptionKeys {
  userId: string;
  deviceId: string;
}

/** A subscription belongs to one device: the one the token names. */
function deviceOf(source: EnvelopeSource): string {
  const { deviceId } = source.actor;
  if (!deviceId)
    throw new DomainError('device-required', 'a push subscription belongs to a device');
  return deviceId;
}

/** The device's subscription; a newer one of the same device replaces it. */
export function registerPushSubscription(
  subscription: PushSubscriptionKeys,
  source: EnvelopeSource,
): PushSubscriptionRegistered {
  return {
    type: 'PushSubscriptionRegistered',
    envelope: newEnvelope('PushSubscriptionRegistered', source),
    userId: source.actor.userId,
    deviceId: deviceOf(source),
    ...subscription,
  };
}

/**
 * The end of a subscription: asked for by its device (no endpoint known to the caller: the
 * notifier removes whatever the device has) or seen gone by the notifier (that endpoint only,
 * so a subscription the device registered meanwhile stays).
 */
export function removePushSubscription(
  subscription: { userId: string; deviceId: string; endpoint: string },
  reason: PushRemovalReason,
  source: EnvelopeSource,
): PushSubscriptionRemoved {
  return {
    type: 'PushSubscriptionRemoved',
    envelope: newEnvelope('PushSubscriptionRemoved', source),
    ...subscription,
    reason,
  };
}

/** The device's own unregistration: whatever endpoint it had. */
export function unregisterPushSubscription(source: EnvelopeSource): PushSubscriptionRemoved {
  const subscription = { userId: source.actor.userId, deviceId: deviceOf(source), endpoint: '' };
  return removePushSubscription(subscription, PUSH_REMOVAL_REASONS.unregistered, source);
}

/**
 * Mute is a member's own setting about a conversation: only a member may set it, judged on the
 * membership view like every other conversation command (an outsider learns nothing, not even
 * whether the conversation exists, beyond what `not-a-member` already says to others).
 */
export function changeConversationMute(
  conversation: ConversationState | null,
  change: { conversationId: string; muted: boolean },
  source: EnvelopeSource,
): ConversationMuteChanged {
  if (!conversation) throw new DomainError('conversation-not-found');
  if (!conversation.members.has(source.actor.userId)) {
    throw new DomainError('not-a-member', `${source.actor.userId} is not a member`);
  }
  return {
    type: 'ConversationMuteChanged',
    envelope: newEnvelope('ConversationMuteChanged', source),
    userId: source.actor.userId,
    conversationId: change.conversationId,
    muted: change.muted,
  };
}

/** Which push endpoints the server will POST to. */
export interface PushEndpointPolicy {
  /** Hosts (or parent domains) endpoints may name; empty: any. */
  endpointHosts: readonly string[];
  allowHttpEndpoints: boolean;
  /**
   * Endpoints on loopback, private or link-local addresses (a local push service): only when
   * configured. Otherwise a name is refused, and its resolved addresses are checked by the
   * sender before each request.
   */
  allowInternalEndpoints: boolean;
}

/**
 * Why the server must not POST to this endpoint, or null when it may. The notifier makes a
 * request to every endpoint a user registers, so in production only https, and only to the
 * push services configured (a host or a subdomain of one), never an address inside the network.
 * Checked at registration and again before every send (the policy may have changed since).
 */
export function pushEndpointRefusal(endpoint: string, policy: PushEndpointPolicy): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttpEndpoints)) {
    return 'a push endpoint must be https';
  }
  const host = url.hostname.toLowerCase();
  if (!policy.allowInternalEndpoints && (isInternalAddress(host) || isLocalHostName(host))) {
    return `${host} is an address inside the network`;
  }
  const listed = policy.endpointHosts.some(
    (allowed) => host === allowed || host.endsWith(`.${allowed}`),
  );
  return policy.endpointHosts.length === 0 || listed
    ? null
    : `${host} is not a push service this server uses`;
}
