import type { ClientFrameType } from '@chat/protocol';
import { TokenBuckets, type TokenBucketOptions } from './token-buckets';

/** Frames that read the views: each takes a token from its user's bucket. */
export const READ_FRAMES: ReadonlySet<ClientFrameType> = new Set<ClientFrameType>([
  'history',
  'sync',
  'inbox',
  'search',
  'presence.subscribe',
  'presence.unsubscribe',
  'media.url',
]);

/** Why a frame is not taken now: answered with an `error` frame, never a close. */
export interface RateRefusal {
  code: 'rate-limited';
  message: string;
  retryAfterMs: number;
}

/**
 * The rate of reads per user on this gateway process, shared by all of the user's sockets here.
 * Writes are limited by the command API, which every `send`, `ack` and `read` goes through.
 */
export class ReadLimits {
  private readonly buckets: TokenBuckets;

  constructor(options: TokenBucketOptions) {
    this.buckets = new TokenBuckets(options);
  }

  refusal(userId: string, type: ClientFrameType): RateRefusal | null {
    if (!READ_FRAMES.has(type)) return null;
    const taken = this.buckets.take(userId);
    if (taken.allowed) return null;
    return {
      code: 'rate-limited',
      message: `too many reads: retry in ${taken.retryAfterMs} ms`,
      retryAfterMs: taken.retryAfterMs,
    };
  }
}
