/** Nest injection tokens for the command API's shared connections. */
export const EVENT_LOG = Symbol('EVENT_LOG');
export const PG_POOL = Symbol('PG_POOL');
export const REDIS = Symbol('REDIS');
export const OBJECT_STORE = Symbol('OBJECT_STORE');
