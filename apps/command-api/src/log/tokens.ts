/** Nest injection tokens for the command API's command handling and event log. */
export const EVENT_LOG = Symbol('EVENT_LOG');
export const COMMAND_HANDLING = Symbol('COMMAND_HANDLING');
