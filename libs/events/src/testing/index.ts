export * from './event-log-fixture';
export * from './log-tail';
export * from './sample-events';
export * from './wait-for';
