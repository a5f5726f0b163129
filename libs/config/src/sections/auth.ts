import { z } from 'zod';
import { DEV_JWT_SECRET } from '../dev-secrets';
import { onOff, section, variable } from '../env-schema';

export const authSettings = section({
  /** HS256 secret for local tokens. The default is public, so only CHAT_ENVIRONMENT=local accepts it. */
  jwtSecret: variable('CHAT_JWT_SECRET', z.string().min(16).default(DEV_JWT_SECRET)),
  /** In production, keys come from the identity provider's JWKS instead. */
  jwksUrl: variable('CHAT_JWT_JWKS_URL', z.string().url().optional()),
  issuer: variable('CHAT_JWT_ISSUER', z.string().default('chat-backend')),
  audience: variable('CHAT_JWT_AUDIENCE', z.string().default('chat')),
  /**
   * Minting tokens over HTTP (POST /v1/dev/tokens) and `npm run token`: off unless asked for
   * (the local stack and the test harness turn it on); only with CHAT_ENVIRONMENT=local.
   */
  devTokens: variable('CHAT_DEV_TOKENS', onOff('off')),
});
