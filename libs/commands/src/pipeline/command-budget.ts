import { Inject, Injectable } from '@nestjs/common';
import { CommandConnections } from './command-connections';
import { createTokenBucket, spendToken, type TokenBucket } from './token-bucket';

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
  spend(userId: string): Promise<void> {
    return spendToken(this.bucket, userId, 'commands');
  }
}
