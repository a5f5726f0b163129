import { z } from 'zod';

/** Push service URLs seen in the wild are under 600 characters; 2,048 leaves room, bounded. */
const MAX_ENDPOINT_CHARS = 2048;

/** Base64url without padding, as PushSubscription.toJSON() gives the keys. */
const base64url = (length: number, what: string) =>
  z
    .string()
    .regex(new RegExp(`^[A-Za-z0-9_-]{${length}}$`), `${what}: ${length} base64url characters`);

export const pushSubscriptionBody = z
  .object({
    endpoint: z
      .string()
      .max(MAX_ENDPOINT_CHARS)
      .url()
      // ASCII URL characters only: the push service gets it byte for byte.
      .regex(/^https?:\/\/[A-Za-z0-9._~:@!$&'()*+,;=%/?#[\]-]+$/, 'an http(s) URL')
      .describe("The push service URL of the browser's PushSubscription"),
    keys: z
      .object({
        // An uncompressed P-256 point is 65 bytes: 87 base64url characters.
        p256dh: base64url(87, 'the P-256 public key').describe('Client public key (RFC 8291)'),
        // The authentication secret is 16 bytes: 22 base64url characters.
        auth: base64url(22, 'the 16-byte auth secret').describe('Authentication secret'),
      })
      .strict(),
  })
  .strict();

export const muteBody = z
  .object({ muted: z.boolean().describe('True: no push notifications for this conversation') })
  .strict();

export const pushAccepted = z.object({ eventIds: z.array(z.string()) }).strict();

export const vapidPublicKey = z
  .object({ publicKey: z.string().describe('Base64url P-256 public key (RFC 8292)') })
  .strict();
