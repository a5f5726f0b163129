import type { DevicePushSubscription } from '@chat/domain';

/** How a push should be treated by the push service (RFC 8030 section 5). */
export interface PushDeliveryOptions {
  /** A newer push with the same topic replaces an undelivered older one. */
  topic: string;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Seconds the push service keeps it for an unreachable device. */
  ttlSeconds: number;
}

/** What one attempt came to; a provider never throws for a push service's answer. */
export type PushAttempt =
  | { kind: 'sent'; status: number }
  /** The subscription no longer exists (404, 410): remove it. */
  | { kind: 'gone'; status: number }
  /** Worth trying again (5xx, 429, a network failure), after the service's Retry-After if any. */
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null; detail: string }
  /** Will not work however often it is tried (a 4xx other than the above). */
  | { kind: 'failed'; status: number | null; detail: string };

/**
 * The address a request goes to: resolved and checked by the sender (see PushSenderOptions),
 * so the provider connects there and nowhere else, whatever the name resolves to by then.
 */
export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * A way to reach a device. Web Push is the one implemented and tested; a provider for another
 * service (APNs, FCM's HTTP v1 API, a webhook) implements the same one call.
 */
export interface PushProvider {
  send(
    subscription: DevicePushSubscription,
    payload: string,
    options: PushDeliveryOptions,
    target: PinnedAddress,
  ): Promise<PushAttempt>;
}
