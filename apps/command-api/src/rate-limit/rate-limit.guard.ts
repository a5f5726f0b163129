import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { problem } from '../http/problem';
import { principalOf } from '../auth/auth.guard';
import type { TokenBucket } from './token-bucket';

export const USER_RATE_LIMIT = Symbol('USER_RATE_LIMIT');

/** Every authenticated command spends one token of its user's bucket; none left is a 429. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(@Inject(USER_RATE_LIMIT) private readonly bucket: TokenBucket) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (!principal) return true;
    let result: Awaited<ReturnType<TokenBucket['take']>>;
    try {
      result = await this.bucket.take(principal.userId);
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
      `too many commands; retry in ${seconds} s`,
      {},
      {
        'Retry-After': String(seconds),
      },
    );
  }
}
