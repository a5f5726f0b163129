import { z } from 'zod';
import { DEV_VAPID_KEYS } from '../dev-secrets';
import { atLeast, lowerCaseList, onOff, positive, section, variable } from '../env-schema';
import { chatEnvironment } from './environment';

/**
 * Web Push (RFC 8030/8291) with VAPID (RFC 8292): the application server's key pair, base64url
 * (P-256 public point, private scalar), and the contact push services may reach
 * (mailto: or https:). The default pair is public, so only CHAT_ENVIRONMENT=local accepts it.
 */
const vapid = section({
  publicKey: variable(
    'CHAT_PUSH_VAPID_PUBLIC_KEY',
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{87}$/, 'a base64url P-256 public key')
      .default(DEV_VAPID_KEYS.publicKey),
  ),
  privateKey: variable(
    'CHAT_PUSH_VAPID_PRIVATE_KEY',
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url P-256 private key')
      .default(DEV_VAPID_KEYS.privateKey),
  ),
  subject: variable(
    'CHAT_PUSH_VAPID_SUBJECT',
    z
      .string()
      .regex(/^(mailto:|https:\/\/)\S+$/, 'a mailto: or https: URL')
      .default('mailto:push@chat.invalid'),
  ),
});

export const pushSettings = section({
  vapid,
  /**
   * Push service hosts a subscription may name (comma-separated; a host or a parent domain,
   * e.g. fcm.googleapis.com,push.services.mozilla.com,push.apple.com,notify.windows.com).
   * Empty: any host. The projectors POST to whatever is registered, so production should set it.
   */
  endpointHosts: variable('CHAT_PUSH_ENDPOINT_HOSTS', lowerCaseList('')),
  /** Plain http endpoints: only with CHAT_ENVIRONMENT=local (a local push service). */
  allowHttpEndpoints: variable(
    'CHAT_ENVIRONMENT',
    chatEnvironment.transform((environment) => environment === 'local'),
  ),
  /**
   * Push endpoints on loopback, private or link-local addresses: off, so nobody can make the
   * notifier POST inside the network. The local stack and the tests turn it on for the local
   * push service.
   */
  allowInternalEndpoints: variable('CHAT_PUSH_ALLOW_INTERNAL_ENDPOINTS', onOff('off')),
  /** A device that got a message over a live socket (or acked it) within this time gets no push. */
  windowMs: variable('CHAT_PUSH_WINDOW_MS', atLeast(0).default(5000)),
  /** Older messages are never pushed: a notifier that was down, or a rebuild, sends nothing stale. */
  maxAgeMs: variable('CHAT_PUSH_MAX_AGE_MS', atLeast(1000).default(10 * 60 * 1000)),
  /** Pushes per second from one notifier process: a message to a big group goes out staggered. */
  ratePerSecond: variable('CHAT_PUSH_RATE_PER_SECOND', positive.default(200)),
  /** Sends of one push after a 5xx or 429, and the first backoff (doubled each time). */
  maxAttempts: variable(
    'CHAT_PUSH_MAX_ATTEMPTS',
    z.coerce.number().int().min(1).max(10).default(4),
  ),
  retryBaseMs: variable('CHAT_PUSH_RETRY_BASE_MS', atLeast(1).default(500)),
});
