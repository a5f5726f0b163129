import type { Provider } from '@nestjs/common';
import { createTokenVerifier, type TokenVerifier } from '@chat/auth';
import type { Config } from '@chat/config';
import { CONFIG } from '@chat/platform';

/** Checks bearer tokens for every transport: WebSocket upgrades and event streams. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export const tokenVerifierProvider: Provider<TokenVerifier> = {
  provide: TOKEN_VERIFIER,
  inject: [CONFIG],
  useFactory: (config: Config) => createTokenVerifier(config.auth),
};
