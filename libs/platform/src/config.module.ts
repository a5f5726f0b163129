import { Module, type DynamicModule } from '@nestjs/common';
import type { Config } from '@chat/config';

/** The app's configuration, validated once at start: `@Inject(CONFIG) config: Config`. */
export const CONFIG = Symbol('CONFIG');

/** Global, so every feature module reads the same Config without importing this one. */
@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }
}
