import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Config } from '@chat/config';
import { createLogger } from '@chat/observability';
import { createRedis } from '@chat/storage';
import { LIVE_CHANNELS, type ProjectedBatch } from '@chat/views';
import { CONFIG } from '@chat/platform';
import { LongPolls } from './long-poll';

/**
 * The projectors' news of changed conversations (the gateway's live channel), handed to the
 * long polls held here so that they read again when there is something to read.
 */
@Injectable()
export class ProjectedNews implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriber: Redis | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LongPolls) private readonly polls: LongPolls,
  ) {}

  onApplicationBootstrap() {
    const logger = createLogger('projected-news', this.config.logLevel);
    const subscriber = createRedis(this.config);
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => {
      if (this.polls.idle) return;
      try {
        this.polls.changed((JSON.parse(message) as ProjectedBatch).conversationId);
      } catch (error) {
        logger.warn({ err: error }, 'unreadable projected news dropped');
      }
    });
    // Not awaited: with Redis down the app still starts, and polls read every fallback period.
    subscriber
      .subscribe(LIVE_CHANNELS.projected)
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'no projected news; long polls read on their fallback'),
      );
  }

  onApplicationShutdown() {
    this.subscriber?.disconnect();
  }
}
