export * from './cassandra.provider';
export * from './connection-options';
export * from './connections.module';
export * from './kafka.provider';
export * from './object-store.provider';
export * from './postgres.provider';
export * from './redis.provider';
