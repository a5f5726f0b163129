import { z } from 'zod';

/**
 * Every refusal the system answers, on every transport: its HTTP status, whether the same
 * request may succeed when tried again, and how long to wait first where a wait applies. The
 * server says whether an error is retriable (`retriable`, `retryAfterMs` on the wire); clients
 * read it and keep no list of their own. A code is added here before anything may throw it:
 * libs/commands checks at compile time that every domain, view and auth code has its entry.
 */
interface Entry {
  readonly status: number;
  readonly retriable: boolean;
  /** The wait a retriable refusal asks for when its thrower gives none. */
  readonly retryAfterMs?: number;
}

const refused = (status: number): Entry => ({ status, retriable: false });
const retry = (status: number, retryAfterMs?: number): Entry => ({
  status,
  retriable: true,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

/** A dependency that is down: nothing was accepted, and a retry after a pause can succeed. */
const unavailable = retry(503, 2000);

export const REFUSALS = {
  // The domain's rejections (RejectionCode in @chat/domain).
  'conversation-not-found': refused(404),
  'conversation-exists': refused(409),
  'not-a-member': refused(403),
  'not-an-admin': refused(403),
  'membership-fixed': refused(403),
  'not-the-author': refused(403),
  'not-author-or-admin': refused(403),
  'already-a-member': refused(409),
  'member-not-found': refused(404),
  'role-unchanged': refused(409),
  'message-not-found': refused(404),
  'message-deleted': refused(409),
  'duplicate-message': refused(409),
  'group-full': refused(422),
  'invalid-members': refused(400),
  'invalid-message': refused(400),
  'message-too-long': refused(400),
  'device-required': refused(400),
  'invalid-reaction': refused(400),
  // Refused reads (ViewErrorCode in @chat/views). Outsiders get 403 whether or not it exists.
  'not-the-sender': refused(403),
  'no-shared-conversation': refused(403),
  'bad-cursor': refused(400),
  'bad-page': refused(400),
  'bad-query': refused(400),
  // No valid token (AuthFailure in @chat/auth): get a new one.
  'missing-token': refused(401),
  'malformed-authorization': refused(401),
  'invalid-token': refused(401),
  'token-expired': refused(401),
  'invalid-subject': refused(401),
  // Limits: the client's share is spent, or the server's capacity is.
  'rate-limited': retry(429, 1000),
  'too-many-long-polls': retry(429, 1000),
  overloaded: retry(503, 1000),
  'send-in-progress': retry(409, 1000),
  // Dependencies down.
  'log-unavailable': unavailable,
  'registry-unavailable': unavailable,
  'store-unavailable': unavailable,
  'views-behind': retry(503, 1000),
  'views-unavailable': unavailable,
  'idempotency-store-unavailable': unavailable,
  'rate-limiter-unavailable': unavailable,
  'media-store-unavailable': unavailable,
  starting: retry(503, 1000),
  // Input: the request itself is wrong; the same one is refused again.
  'invalid-request': refused(400),
  'malformed-json': refused(400),
  'invalid-utf8': refused(400),
  'unsupported-media-type': refused(415),
  'payload-too-large': refused(413),
  'bad-frame': refused(400),
  'invalid-frame': refused(400),
  'unknown-type': refused(400),
  'invalid-cursors': refused(400),
  'client-message-id-reused': refused(409),
  'media-needs-upload': refused(400),
  'media-not-uploaded': refused(409),
  'media-mismatch': refused(409),
  'media-not-found': refused(404),
  'media-type-not-allowed': refused(400),
  'media-too-large': refused(413),
  'push-endpoint-not-allowed': refused(400),
  'route-not-found': refused(404),
  'method-not-allowed': refused(405),
  // A fault of the server, the same name on every transport. Commands are idempotent (a send
  // keeps its client message id), so trying again is safe and may succeed.
  'internal-error': retry(500),
} as const satisfies Record<string, Entry>;

export type RefusalCode = keyof typeof REFUSALS;

export function isRefusalCode(code: unknown): code is RefusalCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(REFUSALS, code);
}

/** What a refusal says about itself in the catalogue. */
export function refusalEntry(code: RefusalCode): Entry {
  return REFUSALS[code];
}

/** A field-level issue of an invalid request. */
export interface FieldError {
  path: string;
  message: string;
}

export interface RefusalOptions {
  /** How long to wait before trying again; the catalogue's default when not given. */
  retryAfterMs?: number;
  errors?: FieldError[];
  cause?: unknown;
}

/**
 * A request refused, as libraries throw it: a catalogue code, words for people, and when to
 * retry. Transports turn it into their own shape with `httpProblem` or `errorFrame`.
 */
export class Refusal extends Error {
  readonly status: number;
  readonly retriable: boolean;
  /** Set only for a retriable refusal: the thrower's wait, or the catalogue's. */
  readonly retryAfterMs?: number;
  readonly errors?: FieldError[];

  constructor(
    readonly code: RefusalCode,
    readonly detail: string,
    options: RefusalOptions = {},
  ) {
    super(`${code}: ${detail}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'Refusal';
    const entry = REFUSALS[code];
    this.status = entry.status;
    this.retriable = entry.retriable;
    const wait = options.retryAfterMs ?? entry.retryAfterMs;
    if (entry.retriable && wait !== undefined) this.retryAfterMs = Math.max(0, Math.ceil(wait));
    if (options.errors) this.errors = options.errors;
  }
}

/** `throw refuse('rate-limited', 'too many commands', { retryAfterMs })` */
export function refuse(code: RefusalCode, detail: string, options?: RefusalOptions): Refusal {
  return new Refusal(code, detail, options);
}

/**
 * The error body of every refusal over HTTP (RFC 9457 problem details, plus a stable `code`
 * and whether to retry): clients branch on `code`, people read `detail`. The OpenAPI document
 * declares it from this schema.
 */
export const problemDocument = z
  .object({
    status: z.number().int().min(400).max(599),
    code: z.string(),
    title: z.string(),
    detail: z.string(),
    /** Whether the same request may succeed when tried again. */
    retriable: z.boolean().describe('Whether the same request may succeed when tried again'),
    /** How long to wait before trying again; also in the Retry-After header, in seconds. */
    retryAfterMs: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Milliseconds to wait before trying again (Retry-After, in ms)'),
    /** Field-level issues of an invalid request. */
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }).strict())
      .optional()
      .describe('Field-level issues of an invalid request'),
  })
  .strict();

export type Problem = z.infer<typeof problemDocument>;

/** A refusal as HTTP says it: status, headers and the problem body. */
export interface HttpProblem {
  status: number;
  headers: Record<string, string>;
  body: Problem;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The one mapper from a refusal to an HTTP problem response. */
export function httpProblem(refusal: Refusal): HttpProblem {
  const status = refusal.status;
  const headers: Record<string, string> = {};
  if (refusal.retryAfterMs !== undefined) {
    // Retry-After has whole seconds: rounded up, so a client that honours it is never early.
    headers['Retry-After'] = String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)));
  }
  if (status === 401) {
    headers['WWW-Authenticate'] =
      `Bearer error="invalid_token", error_description="${refusal.code}"`;
  }
  const body: Problem = {
    status,
    code: refusal.code,
    title: TITLES[status] ?? 'Error',
    detail: refusal.detail,
    retriable: refusal.retriable,
    ...(refusal.retryAfterMs === undefined ? {} : { retryAfterMs: refusal.retryAfterMs }),
    ...(refusal.errors ? { errors: refusal.errors } : {}),
  };
  return { status, headers, body };
}

/** The server's `error` frame: the answer to a request it refused, or news of a failure. */
export interface ErrorFrame {
  type: 'error';
  /** The request's id, when the refusal answers one. */
  id?: string;
  code: string;
  message: string;
  /** Whether the same request may succeed when tried again. */
  retriable: boolean;
  /** How long to wait before trying again, when a wait applies. */
  retryAfterMs?: number;
  /** Field-level issues of an invalid request. */
  errors?: FieldError[];
}

/** The one mapper from a refusal to a socket `error` frame. */
export function errorFrame(refusal: Refusal, id?: string): ErrorFrame {
  return {
    type: 'error',
    ...(id ? { id } : {}),
    code: refusal.code,
    message: refusal.detail,
    retriable: refusal.retriable,
    ...(refusal.retryAfterMs === undefined ? {} : { retryAfterMs: refusal.retryAfterMs }),
    ...(refusal.errors ? { errors: refusal.errors } : {}),
  };
}
