import { createHash } from 'node:crypto';
import { PRESENCE_TTL_MS } from '../presence/presence';

/**
 * Whether one device of a recipient is pushed a message. Pure: the facts are read by the
 * notifier at the message's due time (sent at + window), the clock comes in as `now`.
 */
export const PUSH_OUTCOMES = [
  'sent',
  'failed',
  'gone',
  'skipped_online',
  'skipped_muted',
  'skipped_delivered',
  'skipped_stale',
] as const;
export type PushOutcome = (typeof PUSH_OUTCOMES)[number];
export type PushVerdict = 'push' | Extract<PushOutcome, `skipped_${string}`>;

export interface PushRecipientFacts {
  /** The member muted the conversation. */
  muted: boolean;
  /** The device's cumulative delivered seq in the conversation (0 if it never acked). */
  deliveredSeq: number;
  /** The device's newest connect or heartbeat while connected; null when not connected. */
  lastAliveAt: number | null;
}

export interface PushRules {
  now: number;
  /** Older messages are never pushed (a notifier back from a long outage, a rebuild). */
  maxAgeMs: number;
  presenceTtlMs?: number;
}

/**
 * Age first: an old message is never pushed nor looked into (a rebuild's backlog costs no
 * reads). Then muted (the member said so), then what the device already has: an ack covers
 * the message, or a live socket got it (presence says connected, so the gateway streamed it).
 */
export function pushVerdict(
  message: { seq: number; sentAt: number },
  device: PushRecipientFacts,
  { now, maxAgeMs, presenceTtlMs = PRESENCE_TTL_MS }: PushRules,
): PushVerdict {
  if (isStale(message, { now, maxAgeMs })) return 'skipped_stale';
  if (device.muted) return 'skipped_muted';
  if (device.deliveredSeq >= message.seq) return 'skipped_delivered';
  if (device.lastAliveAt !== null && device.lastAliveAt > now - presenceTtlMs) {
    return 'skipped_online';
  }
  return 'push';
}

/** Too old to push to anyone. */
export const isStale = (message: { sentAt: number }, { now, maxAgeMs }: PushRules) =>
  message.sentAt < now - maxAgeMs;

/** What the device's service worker receives: never content for an encrypted message. */
export type PushPayload =
  | {
      conversationId: string;
      seq: number;
      senderId: string;
      /** The start of a plaintext body. */
      preview: string;
      /** The user's unread messages over all conversations. */
      badge: number;
    }
  | { conversationId: string; seq: number; generic: true; badge: number };

/** Push services take about 4 KB encrypted; a preview is a glance, not the message. */
export const PUSH_PREVIEW_CHARS = 120;

export function pushPayload(
  message: { conversationId: string; seq: number; senderId: string; preview: string | null },
  badge: number,
): PushPayload {
  const { conversationId, seq } = message;
  if (message.preview === null) return { conversationId, seq, generic: true, badge };
  return { conversationId, seq, senderId: message.senderId, preview: message.preview, badge };
}

/** A preview from a plaintext body, or null for ciphertext (never shown, never stored). */
export function previewOf(body: string | null, ciphertext: unknown): string | null {
  if (ciphertext !== null || body === null) return null;
  const chars = Array.from(body);
  return chars.length <= PUSH_PREVIEW_CHARS
    ? body
    : `${chars.slice(0, PUSH_PREVIEW_CHARS - 1).join('')}…`;
}

/**
 * The Web Push `Topic` (RFC 8030 5.4): at most 32 URL-safe base64 characters. A newer push
 * with the same topic replaces an undelivered older one, so a device offline for a burst of a
 * conversation's messages wakes up to one notification for it. A hash, because a conversation
 * id may be longer or use other characters.
 */
export function collapseTopicOf(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('base64url').slice(0, 32);
}
