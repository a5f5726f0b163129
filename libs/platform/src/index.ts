export * from './config.module';
export * from './connections';
export * from './dependency-checks';
export * from './dependency-checks.provider';
export * from './logger.module';
export * from './run-app';
export * from './token-verifier.provider';
