import { Module, type DynamicModule } from '@nestjs/common';
import type { Config } from '@chat/config';
import { GatewayLifecycle } from './gateway-lifecycle';
import { SessionRegistry } from './sessions/session-registry';
import { SseController } from './transport/sse.controller';
import { WsEndpoint } from './transport/ws-endpoint';
import { configProviders } from './wiring/config.providers';
import { connectionProviders } from './wiring/connections.providers';
import { partProviders } from './wiring/parts.providers';

/**
 * The gateway: sessions over WebSocket (WsEndpoint) and Server-Sent Events (SseController) on
 * the app's HTTP server, fed by the projections, commands handled in this process by the
 * command API's own handling (libs/commands), presence reported to the log.
 */
@Module({})
export class GatewayModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [SseController],
      providers: [
        ...configProviders(config),
        ...connectionProviders,
        ...partProviders,
        SessionRegistry,
        WsEndpoint,
        GatewayLifecycle,
      ],
    };
  }
}
