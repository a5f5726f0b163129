import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from '@chat/observability';

/** The app's logger (named after the app): `@Inject(LOGGER) logger: Logger`. */
export const LOGGER = Symbol('LOGGER');

/** Global, so every connection and feature logs through the one the app was started with. */
@Module({})
export class LoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggerModule,
      global: true,
      providers: [{ provide: LOGGER, useValue: logger }],
      exports: [LOGGER],
    };
  }
}
