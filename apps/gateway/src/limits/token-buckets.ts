/** A token taken, or how long until one is there. */
export type Admission = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface TokenBucketOptions {
  /** Tokens added per second, up to `burst`. */
  ratePerSecond: number;
  /** Tokens a bucket holds when full: what may be spent at once. */
  burst: number;
  now?: () => number;
  /** Past this many keys, buckets that have refilled are forgotten (a full bucket is no bucket). */
  maxKeys?: number;
}

/**
 * One token bucket per key, in memory, refilled continuously. Pure apart from the clock, which
 * comes in through the options.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new Error('a token bucket needs a positive rate and a burst of at least 1');
    }
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  take(key: string): Admission {
    const { ratePerSecond } = this.options;
    const now = this.now();
    const tokens = this.tokensOf(key, now);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      if (this.buckets.size > this.maxKeys) this.forgetFull(now);
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / ratePerSecond) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private tokensOf(key: string, now: number): number {
    const { ratePerSecond, burst } = this.options;
    const bucket = this.buckets.get(key);
    if (!bucket) return burst;
    return Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) * ratePerSecond) / 1000);
  }

  private forgetFull(now: number): void {
    for (const key of this.buckets.keys()) {
      if (this.tokensOf(key, now) >= this.options.burst) this.buckets.delete(key);
    }
  }
}
