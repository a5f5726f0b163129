export * from './clients';
export * from './migrate';
export * from './migration-files';
export * from './object-store';
