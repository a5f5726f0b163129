import { z } from 'zod';

/** Public on purpose: accepted only with CHAT_ENVIRONMENT=local. */
export const DEV_JWT_SECRET = 'local-development-only-not-a-secret';

/** A public VAPID key pair (RFC 8292), accepted only with CHAT_ENVIRONMENT=local. */
export const DEV_VAPID_KEYS = {
  publicKey:
    'BPX3KBLbP_ZyUTy0P64pd9CPawiL3o0p-bUpPbEO3i9-7jIHqQeS3-OS65QsqxwuEDdxHXjFJ-UtK1pdUmwjkkc',
  privateKey: 'ZTykBlNS8d8lVk4vlxnmil9AVi8wfQZoIaaNJ5jAt2Y',
} as const;

interface SecretsInUse {
  environment: 'local' | 'deployed';
  auth: { devTokens: boolean; jwksUrl: string | undefined; jwtSecret: string };
  push: { vapid: { privateKey: string } };
}

/**
 * Secure unless told otherwise: anyone knows the defaults, so with them anyone could mint any
 * user's token. Only an explicit CHAT_ENVIRONMENT=local accepts them.
 */
export function refusePublicSecrets(config: SecretsInUse, ctx: z.RefinementCtx): void {
  if (config.environment === 'local') return;
  const refuse = (variable: string, message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message });
  if (config.auth.devTokens) {
    refuse('CHAT_DEV_TOKENS', 'minting tokens is only on with CHAT_ENVIRONMENT=local');
  }
  if (!config.auth.jwksUrl && config.auth.jwtSecret === DEV_JWT_SECRET) {
    refuse(
      'CHAT_JWT_SECRET',
      'set a secret (or CHAT_JWT_JWKS_URL); the default is public (CHAT_ENVIRONMENT=local accepts it)',
    );
  }
  if (config.push.vapid.privateKey === DEV_VAPID_KEYS.privateKey) {
    refuse(
      'CHAT_PUSH_VAPID_PRIVATE_KEY',
      'set a key pair of your own; the default is public (CHAT_ENVIRONMENT=local accepts it)',
    );
  }
}
