/** Nest injection tokens for the command API's shared connections and command handling. */
export const EVENT_LOG = Symbol('EVENT_LOG');
export const COMMAND_HANDLING = Symbol('COMMAND_HANDLING');
export const PG_POOL = Symbol('PG_POOL');
export const REDIS = Symbol('REDIS');
