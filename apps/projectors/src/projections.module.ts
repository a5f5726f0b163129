import {
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Config } from '@chat/config';
import { superviseProjections, type SupervisedProjections } from './supervise-projections';

/**
 * Starts the projections once the app is up (every registered version, following the
 * registry), and stops them (finishing the batches in hand) on shutdown.
 */
export function projectionsModule(config: Config): DynamicModule {
  let running: SupervisedProjections | undefined;

  @Module({})
  class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
    async onApplicationBootstrap() {
      running = await superviseProjections(config);
    }

    async onApplicationShutdown() {
      await running?.stop();
    }
  }
  return { module: ProjectionsModule };
}
