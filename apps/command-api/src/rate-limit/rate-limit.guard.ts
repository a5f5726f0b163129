import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { spendToken, type TokenBucket } from '@chat/commands';
import { principalOf } from '../auth/auth.guard';
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
    await spendToken(this.reads, principal.userId, 'reads');
    return true;
  }
}
