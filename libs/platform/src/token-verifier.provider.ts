import type { Provider } from '@nestjs/common';
import { createTokenVerifier, type TokenVerifier } from '@chat/auth';
import type { Config } from '@chat/config';
import { CONFIG } from './config.module';

/**
 * The app's bearer-token checker, `@Inject(TOKEN_VERIFIER)`: the command API's guard, the
 * gateway's WebSocket upgrades and event streams.
 */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export const tokenVerifierProvider: Provider<TokenVerifier> = {
  provide: TOKEN_VERIFIER,
  inject: [CONFIG],
  useFactory: (config: Config) => createTokenVerifier(config.auth),
};
