import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import webpush from 'web-push';
import type { Config } from '@chat/config';
import type { PinnedAddress, PushAttempt, PushProvider } from './push-provider';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Web Push: `web-push` encrypts the payload to the subscription's keys (aes128gcm, RFC 8291)
 * and signs the VAPID JWT (RFC 8292); the request itself is ours (`pinnedPost`), so the
 * answer's status and Retry-After are ours to read, it goes to the address the sender checked,
 * and a redirect is an answer, never followed (a push service on plain http, such as the one
 * the tests run, is reachable where allowed).
 */
export function webPushProvider(vapid: Config['push']['vapid']): PushProvider {
  const authorization = vapidAuthorizations(vapid);
  return {
    async send(subscription, payload, options, target) {
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
      try {
        const answer = await pinnedPost(
          request.endpoint,
          request.headers as Record<string, string | number>,
          request.body,
          target,
        );
        return attemptOf(answer.status, answer.retryAfter);
      } catch (error) {
        return {
          kind: 'retry',
          status: null,
          retryAfterMs: null,
          detail: (error as Error).message,
        };
      }
    },
  };
}

/**
 * One POST to `url` connected to `target` only: the name in the URL stays the Host header and
 * the TLS server name (the certificate is checked against it), but no lookup happens here. No
 * redirect is followed: a 3xx is the answer.
 */
export function pinnedPost(
  url: string,
  headers: Record<string, string | number>,
  body: Buffer | string,
  target: PinnedAddress,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<{ status: number; retryAfter: string | null }> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const request = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers, lookup: pinned, timeout: timeoutMs });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.on('response', (response: IncomingMessage) => {
      response.resume(); // drain: the socket is done with
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          retryAfter: (response.headers['retry-after'] as string | undefined) ?? null,
        }),
      );
      response.on('error', reject);
    });
    outgoing.end(body);
  });
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
