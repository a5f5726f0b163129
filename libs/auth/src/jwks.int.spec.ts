import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { configDefaults, loadConfig, TEST_OWN_VAPID_ENV } from '@chat/config';
import { AuthError, createTokenVerifier } from './tokens';

/** Production verifies tokens with the identity provider's published keys (JWKS). */
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

describe('tokens verified with a JWKS', () => {
  let server: Server;
  let url: string;
  let privateKey: PrivateKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    server = createServer((_, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const tokenSignedWith = (key: PrivateKey | Uint8Array, alg: string) => {
    const auth = configDefaults().auth;
    return new SignJWT({ did: 'phone' })
      .setProtectedHeader({ alg, kid: 'key-1' })
      .setSubject('alice')
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setExpirationTime('5m')
      .sign(key);
  };

  it('accepts a token signed by the provider and refuses the local HS256 secret', async () => {
    const config = loadConfig({
      CHAT_ENVIRONMENT: 'deployed',
      CHAT_JWT_JWKS_URL: url,
      ...TEST_OWN_VAPID_ENV,
    });
    const verifier = createTokenVerifier(config.auth);
    await expect(verifier.verify(await tokenSignedWith(privateKey, 'ES256'))).resolves.toEqual({
      userId: 'alice',
      deviceId: 'phone',
      expiresAt: expect.any(Number),
    });
    const local = await tokenSignedWith(new TextEncoder().encode(config.auth.jwtSecret), 'HS256');
    await expect(verifier.verify(local)).rejects.toBeInstanceOf(AuthError);
  });
});
