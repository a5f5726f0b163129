import { configDefaults } from '@chat/config';
import { SignJWT } from 'jose';
import { AuthError, createTokenVerifier, mintToken } from './tokens';

const auth = configDefaults().auth;
const verifier = createTokenVerifier(auth);

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AuthError ? error.code : String(error)),
  );

describe('bearer tokens', () => {
  it('accepts a minted token and says who and which device it is', async () => {
    const { token, expiresAt } = await mintToken(auth, { userId: 'alice', deviceId: 'phone' });
    await expect(verifier.verifyAuthorization(`Bearer ${token}`)).resolves.toEqual({
      userId: 'alice',
      deviceId: 'phone',
      expiresAt: Date.parse(expiresAt),
    });
  });

  it('refuses a token that never expires', async () => {
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setIssuedAt()
      .sign(new TextEncoder().encode(auth.jwtSecret));
    const refusal = await verifier.verify(forever).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AuthError);
    expect(refusal).toMatchObject({ code: 'invalid-token', message: expect.stringMatching(/exp/) });
  });

  it('names the reason a request is refused', async () => {
    const { token } = await mintToken(auth, { userId: 'alice' });
    const expired = await mintToken(auth, { userId: 'alice' }, -10);
    const otherSecret = await mintToken(
      { ...auth, jwtSecret: 'another-secret-of-enough-length' },
      {
        userId: 'alice',
      },
    );
    const badSubject = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice bob')
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(auth.jwtSecret));
    expect(await failureOf(verifier.verifyAuthorization(undefined))).toBe('missing-token');
    expect(await failureOf(verifier.verifyAuthorization(`Basic ${token}`))).toBe(
      'malformed-authorization',
    );
    expect(await failureOf(verifier.verifyAuthorization('Bearer not.a.jwt'))).toBe('invalid-token');
    expect(await failureOf(verifier.verify(expired.token))).toBe('token-expired');
    expect(await failureOf(verifier.verify(otherSecret.token))).toBe('invalid-token');
    expect(await failureOf(verifier.verify(badSubject))).toBe('invalid-subject');
  });

  it('refuses a token for another audience or with alg none', async () => {
    const foreign = await mintToken({ ...auth, audience: 'someone-else' }, { userId: 'alice' });
    expect(await failureOf(verifier.verify(foreign.token))).toBe('invalid-token');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"alice"}').toString('base64url')}.`;
    expect(await failureOf(verifier.verify(unsigned))).toBe('invalid-token');
  });
});
