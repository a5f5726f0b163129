import { createSecretKey } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '@chat/config';
import { isValidId } from '@chat/domain';

/** Who a verified token speaks for. */
export interface Principal {
  userId: string;
  /** The device the token was issued to, when it names one (claim `did`). */
  deviceId: string | null;
}

/** A principal as a verified token names it, with the moment the token stops being valid. */
export interface VerifiedPrincipal extends Principal {
  /** The token's `exp`, in milliseconds since the epoch. Every accepted token has one. */
  expiresAt: number;
}

export type AuthFailure =
  | 'missing-token'
  | 'malformed-authorization'
  | 'invalid-token'
  | 'token-expired'
  | 'invalid-subject';

export class AuthError extends Error {
  constructor(
    readonly code: AuthFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface TokenVerifier {
  /** Verifies `Authorization: Bearer <jwt>` and returns the principal, or throws AuthError. */
  verifyAuthorization(header: string | undefined): Promise<VerifiedPrincipal>;
  verify(token: string): Promise<VerifiedPrincipal>;
}

/**
 * HS256 with the configured secret locally; keys from a JWKS (RS256, ES256, EdDSA) when
 * CHAT_JWT_JWKS_URL is set, as in production behind an identity provider.
 */
export function createTokenVerifier(auth: Config['auth']): TokenVerifier {
  // A token without `exp` would be valid forever, and so would every session opened with it.
  const options = { issuer: auth.issuer, audience: auth.audience, requiredClaims: ['exp'] };
  const verifyJwt = auth.jwksUrl
    ? (() => {
        const keys = createRemoteJWKSet(new URL(auth.jwksUrl));
        return (token: string) =>
          jwtVerify(token, keys, { ...options, algorithms: ['RS256', 'ES256', 'EdDSA'] });
      })()
    : (() => {
        // Imported once: jose would turn raw bytes into a key object on every verification.
        const secret = createSecretKey(Buffer.from(auth.jwtSecret, 'utf8'));
        return (token: string) => jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
      })();

  async function verify(token: string): Promise<VerifiedPrincipal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await verifyJwt(token));
    } catch (error) {
      if (error instanceof errors.JWTExpired)
        throw new AuthError('token-expired', 'the token has expired');
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp')
        throw new AuthError('invalid-token', 'the token has no expiry (claim exp)');
      throw new AuthError('invalid-token', `the token is not valid: ${(error as Error).message}`);
    }
    if (!isValidId(payload.sub)) {
      throw new AuthError('invalid-subject', 'the token subject is not a valid user id');
    }
    const deviceId = payload.did;
    return {
      userId: payload.sub,
      deviceId: isValidId(deviceId) ? deviceId : null,
      expiresAt: payload.exp! * 1000,
    };
  }

  return {
    verify,
    async verifyAuthorization(header) {
      if (!header) throw new AuthError('missing-token', 'send Authorization: Bearer <token>');
      const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
      if (!match) {
        throw new AuthError(
          'malformed-authorization',
          'the Authorization header must be: Bearer <token>',
        );
      }
      return verify(match[1]!);
    },
  };
}

/** Mints an HS256 token for local use (the dev endpoint and `npm run token`). */
export async function mintToken(
  auth: Config['auth'],
  principal: { userId: string; deviceId?: string | null },
  ttlSeconds = 24 * 3600,
): Promise<{ token: string; expiresAt: string }> {
  const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT(principal.deviceId ? { did: principal.deviceId } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(auth.jwtSecret));
  return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
}
