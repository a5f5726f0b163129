import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Config } from '@chat/config';
import type { Logger } from '@chat/observability';
import { CONFIG, LOGGER } from '@chat/platform';
import { createRedis } from '@chat/storage';

/**
 * A connection in subscriber mode takes no other command: the live channels have their own,
 * beside the app's shared one.
 */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');

/**
 * Closes what the gateway opened beside the app's shared connections (which the platform
 * closes after this, the producer first, so the sessions' disconnects reach the log).
 */
@Injectable()
export class GatewayConnectionsShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis) {}

  onApplicationShutdown() {
    this.subscriber.disconnect();
  }
}

/** The gateway's own connection: the live channels' subscriber. */
export const connectionProviders: Provider[] = [
  {
    provide: REDIS_SUBSCRIBER,
    inject: [CONFIG, LOGGER],
    useFactory: (config: Config, logger: Logger) => createRedis(config, { logger }),
  },
  GatewayConnectionsShutdown,
];
