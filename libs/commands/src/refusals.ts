import { DomainError, type RejectionCode } from '@chat/domain';
import { EventError } from '@chat/events';
import { isStoreUnavailable } from '@chat/storage';
import { problem, ProblemException } from './problem';

/** How each domain refusal reads as a status (HTTP, and the same code over the WebSocket). */
export const DOMAIN_STATUS: Record<RejectionCode, number> = {
  'conversation-not-found': 404,
  'conversation-exists': 409,
  'not-a-member': 403,
  'not-an-admin': 403,
  'membership-fixed': 403,
  'not-the-author': 403,
  'not-author-or-admin': 403,
  'already-a-member': 409,
  'member-not-found': 404,
  'role-unchanged': 409,
  'message-not-found': 404,
  'message-deleted': 409,
  'duplicate-message': 409,
  'group-full': 422,
  'invalid-members': 400,
  'invalid-message': 400,
  'message-too-long': 400,
  'device-required': 400,
  'invalid-reaction': 400,
};

/** Seconds a client should wait before retrying when a dependency is down. */
const RETRY_AFTER_SECONDS = '2';

/**
 * A failure of command handling as a problem: a refusal of the domain, a dependency down
 * (503, retriable: nothing was accepted) or one already a problem. Anything else is not a
 * refusal and is left to the caller (undefined).
 */
export function commandProblem(error: unknown): ProblemException | undefined {
  if (error instanceof ProblemException) return error;
  if (error instanceof DomainError) {
    return problem(DOMAIN_STATUS[error.code], error.code, error.detail);
  }
  if (error instanceof EventError && error.retriable) {
    return problem(
      503,
      error.code,
      'the event log is unavailable; nothing was accepted',
      {},
      { 'Retry-After': RETRY_AFTER_SECONDS },
    );
  }
  // A store restarting or failing over: the command was not applied and a retry can succeed.
  if (isStoreUnavailable(error)) {
    return problem(
      503,
      'store-unavailable',
      'a store is unavailable; nothing was accepted',
      {},
      { 'Retry-After': RETRY_AFTER_SECONDS },
    );
  }
  return undefined;
}
