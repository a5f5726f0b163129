/**
 * WebSocket close codes of the gateway protocol, grouped by what a client does next: 1xxx from
 * the WebSocket standard, 4xxx our own. The gateway closes with these; the SDK reads them with
 * `closeAction`. Documented in docs/protocol.md.
 */
export const CLOSE_CODES = {
  /** The connection dropped without a close frame (network, killed process). Reconnect. */
  abnormal: 1006,
  /** The server refuses this client by policy. Final. */
  policy: 1008,
  /** A frame larger than the limit. Reconnect (the SDK refuses such frames before sending). */
  tooBig: 1009,
  /** The server failed unexpectedly. Reconnect. */
  internalError: 1011,
  /** The server is going away for a deploy: reconnect (to another instance). */
  serviceRestart: 1012,
  /** No valid token. Get a new token, then reconnect. */
  unauthorized: 4001,
  /** The token's `exp` passed while the session was open. Same code as `unauthorized`. */
  tokenExpired: 4001,
  /** The client speaks a protocol version the server does not. Final. */
  unsupportedVersion: 4002,
  /** The first frame was not `hello`, or came too late. Final. */
  noHello: 4003,
  /** The socket read too slowly: its buffer passed the bound. Reconnect and resume. */
  slowConsumer: 4008,
  /** Too many bad frames, or frames past a budget, in a short time. Final. */
  abusive: 4009,
  /** No pong to our pings within the timeout. Reconnect and resume. */
  heartbeatTimeout: 4010,
  /** The user has too many sockets open at once. Final: reconnecting would only take another. */
  tooManySockets: 4011,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** What a client does after a close: reconnect with backoff, get a new token first, or stop. */
export type CloseAction = 'reconnect' | 'refresh-token' | 'final';

/** Closes after which reconnecting (with backoff) and resuming is right. */
export const RECONNECT_CLOSE_CODES: readonly number[] = [
  CLOSE_CODES.abnormal,
  CLOSE_CODES.tooBig,
  CLOSE_CODES.internalError,
  CLOSE_CODES.serviceRestart,
  CLOSE_CODES.slowConsumer,
  CLOSE_CODES.heartbeatTimeout,
];

/** Closes after which only a new token helps: refresh it, then reconnect and resume. */
export const REFRESH_TOKEN_CLOSE_CODES: readonly number[] = [CLOSE_CODES.unauthorized];

/**
 * Closes after which the same client reconnecting would be refused again (or would do harm):
 * a client that sees one stops until the application decides otherwise.
 */
export const FINAL_CLOSE_CODES: readonly number[] = [
  CLOSE_CODES.policy,
  CLOSE_CODES.unsupportedVersion,
  CLOSE_CODES.noHello,
  CLOSE_CODES.abusive,
  CLOSE_CODES.tooManySockets,
];

/** What to do after a close with this code. Codes not listed (1000, 1001, ...) reconnect. */
export function closeAction(code: number): CloseAction {
  if (FINAL_CLOSE_CODES.includes(code)) return 'final';
  if (REFRESH_TOKEN_CLOSE_CODES.includes(code)) return 'refresh-token';
  return 'reconnect';
}
