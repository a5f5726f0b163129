export * from './config';
export * from './test-vapid-keys';
