/**
 * Whether an error says a store could not be reached (down, restarting, failing over) rather
 * than that it refused the request: then nothing was done and the same call can succeed once
 * the store is back, so a caller answers a retriable 503 instead of a 500.
 *
 * Recognized by shape, not class, so that one check covers pg, ioredis, cassandra-driver and
 * the S3 client, however an error was wrapped (`cause` is followed).
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const { code, name, message } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
    };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || isPgUnavailable(code))) return true;
    if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Socket errors of Node, as every client passes them on. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE class 08 (connection exception), and 57P01-57P03: the server shutting down
 * (administrator command, crash) or still starting up.
 */
const isPgUnavailable = (code: string) => /^08/.test(code) || /^57P0[1-3]$/.test(code);

const UNAVAILABLE_NAMES = new Set([
  // ioredis: a command retried over its reconnections, then given up.
  'MaxRetriesPerRequestError',
  // cassandra-driver: no connection to any host, or none answered in time.
  'NoHostAvailableError',
  'OperationTimedOutError',
  'BusyConnectionError',
  // The S3 client: no answer in time.
  'TimeoutError',
]);

const UNAVAILABLE_MESSAGES = [
  // pg, when the socket closes under a query or a connect takes too long.
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  // ioredis, for a command on a connection that has been closed.
  'Connection is closed',
];
