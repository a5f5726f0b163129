import type { Provider } from '@nestjs/common';
import { createTokenVerifier } from '@chat/auth';
import type { Config } from '@chat/config';
import { createLogger } from '@chat/observability';

/** The configuration, validated once at start. */
export const CONFIG = Symbol('CONFIG');
/** The gateway's logger. */
export const LOGGER = Symbol('LOGGER');
/** Checks bearer tokens for every transport: WebSocket upgrades and event streams. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export function configProviders(config: Config): Provider[] {
  return [
    { provide: CONFIG, useValue: config },
    { provide: LOGGER, useValue: createLogger('gateway', config.logLevel) },
    { provide: TOKEN_VERIFIER, useValue: createTokenVerifier(config.auth) },
  ];
}
