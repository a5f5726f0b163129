import {
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal, TokenVerifier } from '@chat/auth';
import { TOKEN_VERIFIER } from '@chat/platform';

const PUBLIC = 'chat:public';

/** Marks a route that needs no token (health, metrics, docs, local token minting). */
export const Public = () => SetMetadata(PUBLIC, true);

type AuthenticatedRequest = Request & { principal?: Principal };

/** Every route needs a valid bearer token unless marked @Public(); 401 names the reason. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    // Platform routes (health, metrics) carry no metadata of ours and stay open.
    if (isPublic || isPlatform(context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.verifier.verifyAuthorization(request.headers.authorization);
    return true;
  }
}

const PLATFORM_CONTROLLERS = new Set(['HealthController', 'MetricsController']);
const isPlatform = (context: ExecutionContext) => PLATFORM_CONTROLLERS.has(context.getClass().name);

/** The authenticated principal of the request. */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@Actor() used on a public route');
  return principal;
});

export const principalOf = (request: Request): Principal | undefined =>
  (request as AuthenticatedRequest).principal;
