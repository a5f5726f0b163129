import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AuthError } from '@chat/auth';
import { commandProblem } from '@chat/commands';
import { problem, type ProblemException, sendProblem } from './problem';

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
