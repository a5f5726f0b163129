export * from './projection-names';
export * from './projection-freshness';
export * from './projection-versions';
export * from './timeline/timeline-tables';
export * from './timeline/timeline-store';
export * from './inbox/inbox-tables';
export * from './inbox/inbox-store';
