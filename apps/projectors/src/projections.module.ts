import {
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Config } from '@chat/config';
import { startProjections, type RunningProjections } from './start-projections';

/**
 * Starts the projections once the app is up, and stops them (finishing the batches in hand)
 * on shutdown.
 */
export function projectionsModule(config: Config): DynamicModule {
  let running: RunningProjections | undefined;

  @Module({})
  class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
    async onApplicationBootstrap() {
      running = await startProjections(config);
    }

    async onApplicationShutdown() {
      await running?.stop();
    }
  }
  return { module: ProjectionsModule };
}
