import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { CommandHandling, TokenBucket } from '@chat/commands';
import { principalOf } from '../auth/auth.guard';
import { COMMAND_HANDLING } from '../log/tokens';
import { refuse } from '../http/problem';

/** The budget of reads (GET), the same per-user rate as the gateway's read frames. */
export const USER_READ_LIMIT = Symbol('USER_READ_LIMIT');

/**
 * Every authenticated request spends one token of its user's bucket (commands and reads have
 * one each); none left is a 429.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(COMMAND_HANDLING) private readonly handling: CommandHandling,
    @Inject(USER_READ_LIMIT) private readonly reads: TokenBucket,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (!principal) return true;
    // Commands share one budget with the gateway's commands; reads have their own.
    if (request.method !== 'GET') {
      await this.handling.spend(principal.userId);
      return true;
    }
    let result: Awaited<ReturnType<TokenBucket['take']>>;
    try {
      result = await this.reads.take(principal.userId);
    } catch {
      throw refuse('rate-limiter-unavailable', 'the rate limiter cannot be reached');
    }
    if (result.allowed) return true;
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw refuse('rate-limited', `too many reads; retry in ${seconds} s`, {
      retryAfterMs: result.retryAfterMs,
    });
  }
}
