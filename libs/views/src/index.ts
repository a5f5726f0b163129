export * from './projection-names';
export * from './projection-freshness';
export * from './inbox/inbox-tables';
export * from './inbox/inbox-store';
