export * from './clients';
export * from './migrate';
export * from './migration-files';
export * from './object-store';
export * from './prepared-query';
export * from './combined-writes';
export * from './batch-while-busy';
export * from './unavailable';
