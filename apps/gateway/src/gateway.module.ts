import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandsModule } from '@chat/commands';
import { tokenVerifierProvider } from '@chat/platform';
import { GatewayLifecycle } from './gateway-lifecycle';
import { SessionRegistry } from './sessions/session-registry';
import { SseController } from './transport/sse.controller';
import { WsEndpoint } from './transport/ws-endpoint';
import { connectionProviders } from './wiring/connections.providers';
import { partProviders } from './wiring/parts.providers';

/**
 * The gateway: sessions over WebSocket (WsEndpoint) and Server-Sent Events (SseController) on
 * the app's HTTP server, fed by the projections, commands handled in this process through
 * the same command bus and pipeline as the command API's (libs/commands), presence reported
 * to the log.
 */
@Module({
  imports: [CqrsModule.forRoot(), CommandsModule],
  controllers: [SseController],
  providers: [
    tokenVerifierProvider,
    ...connectionProviders,
    ...partProviders,
    SessionRegistry,
    WsEndpoint,
    GatewayLifecycle,
  ],
})
export class GatewayModule {}
