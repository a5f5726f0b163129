export * from './errors';
export * from './ids';
export * from './conversation/conversation-state';
export * from './conversation/rules';
export * from './conversation/ledger';
export * from './conversation/commands';
export * from './conversation/decide';
