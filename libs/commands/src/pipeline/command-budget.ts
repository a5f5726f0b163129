import { Inject, Injectable } from '@nestjs/common';
import { refuse } from '../problem';
import { CommandConnections } from './command-connections';
import { createTokenBucket, type TokenBucket } from './token-bucket';

/**
 * The user's budget of commands: a token bucket in Redis, shared by every instance and
 * transport, so commands over HTTP and over the socket spend the same budget.
 */
@Injectable()
export class CommandBudget {
  private readonly bucket: TokenBucket;

  constructor(@Inject(CommandConnections) { redis, config }: CommandConnections) {
    this.bucket = createTokenBucket(redis, {
      ratePerSecond: config.limits.ratePerSecond,
      burst: config.limits.rateBurst,
    });
  }

  /** One token of the user's budget, or a 429 saying when the next one is. */
  async spend(userId: string): Promise<void> {
    let result: Awaited<ReturnType<TokenBucket['take']>>;
    try {
      result = await this.bucket.take(userId);
    } catch {
      throw refuse('rate-limiter-unavailable', 'the rate limiter cannot be reached');
    }
    if (result.allowed) return;
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw refuse('rate-limited', `too many commands; retry in ${seconds} s`, {
      retryAfterMs: result.retryAfterMs,
    });
  }
}
