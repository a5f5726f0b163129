import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@chat/observability';

type Level = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Nest's own messages (start-up, routes, errors it catches) as JSON lines through the app's
 * pino logger, with Nest's context as a field. Deliberately not nestjs-pino: it keeps each
 * request's logger in an AsyncLocalStorage, and once a request (a health check) has entered it,
 * every promise in the process pays Node's async hooks, on every send and every batch. Our code
 * logs through child loggers it is handed, so it needs no ambient context.
 */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes (message, context) or, for errors, (message, stack, context). */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    const strings = rest.filter((x): x is string => typeof x === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = strings.length > 1 ? strings[0] : undefined;
    if (message instanceof Error) {
      this.logger[level]({ err: message, context }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...message, context, stack });
    } else {
      this.logger[level]({ context, stack }, String(message));
    }
  }
}
