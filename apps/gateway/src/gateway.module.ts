import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import type { Server } from 'node:http';
import { CommandConnections, CommandsModule } from '@chat/commands';
import type { Config } from '@chat/config';
import { createLogger } from '@chat/observability';
import { Gateway } from './gateway';
import { GatewayConnections } from './gateway-connections';
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
    constructor(
      @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
      @Inject(GatewayConnections) private readonly connections: GatewayConnections,
      @Inject(CommandBus) private readonly commands: CommandBus,
    ) {}

    async onApplicationBootstrap() {
      const server = this.http.httpAdapter.getHttpServer() as Server;
      const gateway = new Gateway(config, server, logger, this.connections, this.commands);
      await gateway.start();
      holder.gateway = gateway;
    }

    async beforeApplicationShutdown() {
      await holder.gateway?.drain();
    }
  }

  return {
    module: GatewayModule,
    // Global so that the commands module finds the connections it is given.
    global: true,
    exports: [CommandConnections],
    imports: [CqrsModule.forRoot(), CommandsModule],
    controllers: [SseController],
    providers: [
      { provide: GATEWAY_HOLDER, useValue: holder },
      { provide: GatewayConnections, useFactory: () => new GatewayConnections(config, logger) },
      {
        provide: CommandConnections,
        inject: [GatewayConnections],
        useFactory: (connections: GatewayConnections) => connections.commands,
      },
    ],
  };
}
