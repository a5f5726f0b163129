import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { problem } from '../http/problem';
import { principalOf } from '../auth/auth.guard';
import type { TokenBucket } from './token-bucket';

export const USER_RATE_LIMIT = Symbol('USER_RATE_LIMIT');
/** The budget of reads (GET), the same per-user rate as the gateway's read frames. */
export const USER_READ_LIMIT = Symbol('USER_READ_LIMIT');

/**
 * Every authenticated request spends one token of its user's bucket (commands and reads have
 * one each); none left is a 429.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(USER_RATE_LIMIT) private readonly commands: TokenBucket,
    @Inject(USER_READ_LIMIT) private readonly reads: TokenBucket,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (!principal) return true;
    const reading = request.method === 'GET';
    const bucket = reading ? this.reads : this.commands;
    let result: Awaited<ReturnType<TokenBucket['take']>>;
    try {
      result = await bucket.take(principal.userId);
    } catch {
      throw problem(
        503,
        'rate-limiter-unavailable',
        'the rate limiter cannot be reached',
        {},
        {
          'Retry-After': '2',
        },
      );
    }
    if (result.allowed) return true;
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw problem(
      429,
      'rate-limited',
      `too many ${reading ? 'reads' : 'commands'}; retry in ${seconds} s`,
      {},
      {
        'Retry-After': String(seconds),
      },
    );
  }
}
