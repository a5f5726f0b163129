/**
 * An event a handler can never apply, whatever the retries: the event itself is the problem.
 * Handlers throw it for what their rules cannot express; the consumer dead-letters the event
 * and goes on with the partition.
 */
export class PoisonEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonEventError';
  }
}

/**
 * Whether a handler's failure is the event's fault rather than the world's. Only these are
 * isolated and dead-lettered; anything else (a store down, a timeout) is retried, because
 * dead-lettering on an outage would empty the partition into the dead-letter topic.
 *
 * - PoisonEventError: said so by the handler.
 * - TypeError, RangeError: the handler's code met data it cannot take.
 * - Postgres SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
 * - Cassandra "Invalid" (0x2200): a value the table cannot hold.
 */
export function isPoison(error: unknown): boolean {
  if (error instanceof PoisonEventError) return true;
  // fetch reports a network failure as a TypeError: that one is the world's.
  if (error instanceof TypeError && error.message !== 'fetch failed') return true;
  if (error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return true;
  if (code === 0x2200) return true;
  return false;
}
