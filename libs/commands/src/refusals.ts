import { HttpException } from '@nestjs/common';
import type { AuthFailure } from '@chat/auth';
import { AuthError } from '@chat/auth';
import { DomainError, type RejectionCode } from '@chat/domain';
import { EventError } from '@chat/events';
import { refuse, Refusal, type RefusalCode } from '@chat/protocol';
import { isStoreUnavailable } from '@chat/storage';
import { ViewError, type ViewErrorCode } from '@chat/views';

/**
 * Every code a library's own error carries is a refusal code: a code added to the domain, the
 * views or auth without its entry in the catalogue (@chat/protocol REFUSALS) fails to compile
 * here, so none reaches a client without a status and a retriability.
 */
type Covered<T extends RefusalCode> = T;
export type ForeignRefusalCode = Covered<RejectionCode | ViewErrorCode | AuthFailure>;

/** Nest's own HTTP errors (an unknown route, mostly) as the catalogue names them. */
const HTTP_CODES: Record<number, RefusalCode> = {
  401: 'invalid-token',
  404: 'route-not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'starting',
};

/**
 * Any failure as the refusal a client gets, the one place foreign errors are translated: a
 * refusal as thrown, a refusal of the domain, of a read or of a token, a dependency down
 * (retriable, nothing was accepted). Anything else is a fault of the server: `unexpected` is
 * told (to log it), and the client gets `internal-error`.
 */
export function refusalOf(error: unknown, unexpected?: (error: unknown) => void): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof DomainError) return refuse(error.code, error.detail);
  if (error instanceof ViewError) return refuse(error.code, error.message);
  if (error instanceof AuthError) return refuse(error.code, error.message);
  if (error instanceof EventError && error.retriable) {
    const code = error.code === 'registry-unavailable' ? error.code : 'log-unavailable';
    return refuse(code, 'the event log is unavailable; nothing was accepted', { cause: error });
  }
  // A store restarting or failing over: the command was not applied and a retry can succeed.
  if (isStoreUnavailable(error)) {
    return refuse('store-unavailable', 'a store is unavailable; nothing was accepted', {
      cause: error,
    });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_CODES[status] ?? (status < 500 ? 'invalid-request' : 'internal-error');
    if (code !== 'internal-error') return refuse(code, error.message);
  }
  unexpected?.(error);
  return refuse('internal-error', 'an unexpected error occurred; it has been logged');
}
