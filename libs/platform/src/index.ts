export * from './dependency-checks';
export * from './run-app';
