import { ViewError, type ViewErrorCode } from '@chat/views';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AuthError } from '@chat/auth';
import { DomainError, type RejectionCode } from '@chat/domain';
import { EventError } from '@chat/events';
import { problem, ProblemException, sendProblem } from './problem';

/** How each domain refusal reads over HTTP. */
const DOMAIN_STATUS: Record<RejectionCode, number> = {
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
};

/** What each refused read answers over HTTP. Outsiders get 403 whether or not it exists. */
const VIEW_STATUS: Record<ViewErrorCode, number> = {
  'conversation-not-found': 404,
  'not-a-member': 403,
  'message-not-found': 404,
  'not-the-sender': 403,
  'no-shared-conversation': 403,
  'bad-cursor': 400,
  'bad-page': 400,
  'bad-query': 400,
};

/** Seconds a client should wait before retrying when a dependency is down. */
const RETRY_AFTER_SECONDS = '2';

/** The one mapper from every failure to a problem response. Nothing escapes as a bare 500. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    sendProblem(response, this.toProblem(error));
  }

  private toProblem(error: unknown): ProblemException {
    if (error instanceof ProblemException) return error;
    if (error instanceof ViewError)
      return problem(VIEW_STATUS[error.code], error.code, error.message);
    if (error instanceof DomainError) {
      return problem(DOMAIN_STATUS[error.code], error.code, error.detail);
    }
    if (error instanceof AuthError) {
      return problem(
        401,
        error.code,
        error.message,
        {},
        {
          'WWW-Authenticate': `Bearer error="invalid_token", error_description="${error.code}"`,
        },
      );
    }
    if (error instanceof EventError && error.retriable) {
      return problem(
        503,
        error.code,
        'the event log is unavailable; nothing was accepted',
        {},
        {
          'Retry-After': RETRY_AFTER_SECONDS,
        },
      );
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 404 ? 'route-not-found' : `http-${status}`;
      return problem(status, code, error.message);
    }
    this.logger.error(error);
    return problem(500, 'internal-error', 'an unexpected error occurred; it has been logged');
  }
}
