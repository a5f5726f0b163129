/**
 * A projection's own way to say its store cannot hold an event (what its mapping cannot
 * express). Like any refusal it parks the conversation in that projection; it never skips it.
 */
export class RefusedWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedWriteError';
  }
}

/**
 * Whether a failed write was refused because of what it writes, rather than because of the
 * world. A refusal parks the event's conversation (the same write would be refused again on
 * every retry, and blocking the partition would stop every other conversation in it); anything
 * else (a store down, a timeout) is retried, because parking on an outage would park everything.
 *
 * - RefusedWriteError: said so by the projection.
 * - TypeError, RangeError: the projection's code met data it cannot take (a code fix resumes).
 * - Postgres SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
 * - Cassandra "Invalid" (0x2200): a value the table cannot hold.
 */
export function isStoreRefusal(error: unknown): boolean {
  if (error instanceof RefusedWriteError) return true;
  // fetch reports a network failure as a TypeError: that one is the world's.
  if (error instanceof TypeError && error.message !== 'fetch failed') return true;
  if (error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return true;
  if (code === 0x2200) return true;
  return false;
}
