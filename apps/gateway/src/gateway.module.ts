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
import { GATEWAY_HOLDER, SseController, type GatewayHolder } from './transport/sse.controller';

/** Starts the gateway on the app's HTTP server and drains it on shutdown. */
export function gatewayModule(config: Config): DynamicModule {
  const logger = createLogger('gateway', config.logLevel);

  const holder: GatewayHolder = {
    keepAliveMs: config.gateway.pingIntervalMs,
    maxBufferedBytes: config.gateway.maxBufferedBytes,
  };

  @Module({})
  class GatewayModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
    constructor(@Inject(HttpAdapterHost) private readonly http: HttpAdapterHost) {}

    async onApplicationBootstrap() {
      const server = this.http.httpAdapter.getHttpServer() as Server;
      const gateway = new Gateway(config, server, logger);
      await gateway.start();
      holder.gateway = gateway;
    }

    async beforeApplicationShutdown() {
      await holder.gateway?.drain();
    }
  }

  return {
    module: GatewayModule,
    controllers: [SseController],
    providers: [{ provide: GATEWAY_HOLDER, useValue: holder }],
  };
}
