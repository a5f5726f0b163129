/**
 * Errors of the event library. Each says whether retrying can help: a retriable error is a
 * passing fault (broker or registry unreachable); a non-retriable one will fail the same way
 * forever, so a consumer sends the record to the dead-letter topic instead of blocking.
 */
export type EventErrorCode =
  | 'not-wire-format'
  | 'unknown-schema-id'
  | 'unknown-event-type'
  | 'incompatible-schema'
  | 'corrupt-payload'
  | 'invalid-event'
  | 'registry-unavailable'
  | 'log-unavailable'
  | 'handler-failed';

const RETRIABLE: ReadonlySet<EventErrorCode> = new Set([
  'registry-unavailable',
  'log-unavailable',
  'handler-failed',
]);

export class EventError extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: EventErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'EventError';
    this.retriable = RETRIABLE.has(code);
  }
}

export function isRetriable(error: unknown): boolean {
  return error instanceof EventError ? error.retriable : false;
}
