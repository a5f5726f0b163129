import webpush from 'web-push';
import type { Config } from '@chat/config';
import type { PushAttempt, PushProvider } from './push-provider';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Web Push: `web-push` encrypts the payload to the subscription's keys (aes128gcm, RFC 8291)
 * and signs the VAPID JWT (RFC 8292); the request itself goes out with fetch, so the answer's
 * status and Retry-After are ours to read (and a push service on plain http, such as the one
 * the tests run, is reachable).
 */
export function webPushProvider(vapid: Config['push']['vapid']): PushProvider {
  const authorization = vapidAuthorizations(vapid);
  return {
    async send(subscription, payload, options) {
      const request = webpush.generateRequestDetails(
        {
          endpoint: subscription.endpoint,
          keys: { p256dh: subscription.p256dh, auth: subscription.auth },
        },
        payload,
        {
          headers: { Authorization: authorization(new URL(subscription.endpoint).origin) },
          TTL: options.ttlSeconds,
          urgency: options.urgency,
          topic: options.topic,
          contentEncoding: 'aes128gcm',
        },
      );
      let response: Response;
      try {
        response = await fetch(request.endpoint, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: request.body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.arrayBuffer(); // drain: keep-alive sockets go back to the pool
      } catch (error) {
        return {
          kind: 'retry',
          status: null,
          retryAfterMs: null,
          detail: (error as Error).message,
        };
      }
      return attemptOf(response.status, response.headers.get('retry-after'));
    },
  };
}

const VAPID_LIFETIME_S = 12 * 3600;
const VAPID_RENEW_BEFORE_MS = 3600 * 1000;

/**
 * The VAPID authorization per push service origin (its audience), signed once and reused
 * until an hour before it expires: an ES256 signature per push would cost as much CPU as the
 * payload's encryption. RFC 8292 allows up to 24 h; web-push's own default is 12 h.
 */
function vapidAuthorizations(vapid: Config['push']['vapid']) {
  const signed = new Map<string, { header: string; renewAt: number }>();
  return (audience: string): string => {
    const now = Date.now();
    const cached = signed.get(audience);
    if (cached && cached.renewAt > now) return cached.header;
    const expiration = Math.floor(now / 1000) + VAPID_LIFETIME_S;
    const { Authorization } = webpush.getVapidHeaders(
      audience,
      vapid.subject,
      vapid.publicKey,
      vapid.privateKey,
      'aes128gcm',
      expiration,
    );
    signed.set(audience, {
      header: Authorization,
      renewAt: expiration * 1000 - VAPID_RENEW_BEFORE_MS,
    });
    return Authorization;
  };
}

/** What a push service's status means (RFC 8030 section 6 and 8292). */
export function attemptOf(status: number, retryAfter: string | null): PushAttempt {
  if (status >= 200 && status < 300) return { kind: 'sent', status };
  if (status === 404 || status === 410) return { kind: 'gone', status };
  if (status === 429 || status >= 500) {
    return {
      kind: 'retry',
      status,
      retryAfterMs: retryAfterMs(retryAfter),
      detail: `HTTP ${status}`,
    };
  }
  return { kind: 'failed', status, detail: `HTTP ${status}` };
}

/** Retry-After is seconds or an HTTP date (RFC 9110 10.2.3). */
function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
