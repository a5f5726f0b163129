import { ViewError, type ViewErrorCode } from '@chat/views';
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AuthError } from '@chat/auth';
import { commandProblem } from '@chat/commands';
import { problem, type ProblemException, sendProblem } from './problem';

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
    const refusal = commandProblem(error);
    if (refusal) return refusal;
    if (error instanceof ViewError)
      return problem(VIEW_STATUS[error.code], error.code, error.message);
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
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 404 ? 'route-not-found' : `http-${status}`;
      return problem(status, code, error.message);
    }
    this.logger.error(error);
    return problem(500, 'internal-error', 'an unexpected error occurred; it has been logged');
  }
}
