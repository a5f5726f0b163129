import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { CommandHandling } from '@chat/commands';
import { principalOf } from '../auth/auth.guard';
import { COMMAND_HANDLING } from '../log/tokens';

/** Every authenticated command spends one token of its user's bucket; none left is a 429. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(@Inject(COMMAND_HANDLING) private readonly handling: CommandHandling) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (principal) await this.handling.spend(principal.userId);
    return true;
  }
}
