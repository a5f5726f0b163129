import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Config } from '@chat/config';
import { createLogger } from '@chat/observability';
import { Gateway } from './gateway';

export const GATEWAY = Symbol('GATEWAY');

/** Starts the gateway on the app's HTTP server and drains it on shutdown. */
export function gatewayModule(config: Config): DynamicModule {
  const logger = createLogger('gateway', config.logLevel);

  @Module({})
  class GatewayModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
    private gateway: Gateway | undefined;

    constructor(@Inject(HttpAdapterHost) private readonly http: HttpAdapterHost) {}

    async onApplicationBootstrap() {
      const server = this.http.httpAdapter.getHttpServer() as Server;
      this.gateway = new Gateway(config, server, logger);
      await this.gateway.start();
    }

    async beforeApplicationShutdown() {
      await this.gateway?.drain();
    }
  }

  return { module: GatewayModule };
}
