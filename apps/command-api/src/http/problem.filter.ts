import { ArgumentsHost, Catch, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { refusalOf } from '@chat/commands';
import { sendProblem } from './problem';

/**
 * Every failure as its problem response (`refusalOf`, then the one HTTP mapper). Nothing
 * escapes as a bare 500: a fault of the server is `internal-error`, logged.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    sendProblem(
      response,
      refusalOf(error, (unexpected) => this.logger.error(unexpected)),
    );
  }
}
