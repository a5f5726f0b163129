export * from './config';
export * from './dev-secrets';
export * from './env-schema';
export * from './local-stack-ports';
export * from './service-endpoint';
export type { ConsumerGroupTimings } from './sections/kafka';
export * from './test-vapid-keys';
