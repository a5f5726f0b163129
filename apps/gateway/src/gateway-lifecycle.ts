import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Config } from '@chat/config';
import { CONFIG } from '@chat/platform';
import { LiveHub } from './live/live-hub';
import { SessionRegistry } from './sessions/session-registry';
import { WsEndpoint } from './transport/ws-endpoint';

/**
 * Starts the gateway once the app is up (the live channels, then the WebSocket endpoint) and
 * drains it on shutdown, the graceful end of a deploy: stop accepting, tell every client to
 * reconnect elsewhere, close what is left at the deadline.
 */
@Injectable()
export class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(WsEndpoint) private readonly endpoint: WsEndpoint,
    @Inject(SessionRegistry) private readonly sessions: SessionRegistry,
  ) {}

  async onApplicationBootstrap() {
    await this.hub.start();
    this.endpoint.start();
  }

  async beforeApplicationShutdown() {
    this.endpoint.stopAccepting();
    this.sessions.drainAll();
    const deadline = Date.now() + this.config.gateway.drainDeadlineMs;
    while (this.endpoint.open > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.endpoint.terminateAll();
    await this.hub.stop();
  }
}
