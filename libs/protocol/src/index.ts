export * from './protocol';
export * from './fields';
export * from './command-fields';
