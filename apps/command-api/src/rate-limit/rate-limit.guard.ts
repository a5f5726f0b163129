import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { TokenBucket } from '@chat/commands';
import { principalOf } from '../auth/auth.guard';
import { refuse } from '../http/problem';
import { USER_READ_LIMIT } from './read-budget.provider';

/**
 * Every authenticated read (GET) spends one token of its user's read bucket; none left is a
 * 429. Commands spend theirs in the command pipeline, in the order every transport shares.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(@Inject(USER_READ_LIMIT) private readonly reads: TokenBucket) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (!principal || request.method !== 'GET') return true;
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
