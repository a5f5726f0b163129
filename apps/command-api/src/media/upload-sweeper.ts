import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Config } from '@chat/config';
import { createLogger } from '@chat/observability';
import type { ObjectStore } from '@chat/storage';
import { CONFIG, OBJECT_STORE } from '@chat/platform';
import { UPLOADS_PREFIX } from '@chat/commands';

/**
 * Removes uploads no message took: a send moves its upload under the message, so whatever is
 * still under `uploads/` after the configured time was never referenced. Several command API
 * processes may sweep at once: deleting a deleted key is harmless.
 */
@Injectable()
export class UploadSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly logger;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.logger = createLogger('upload-sweeper', config.logLevel);
  }

  onApplicationBootstrap() {
    // sweep() logs its own failures and never rejects; the catch keeps it so if it changes.
    this.timer = setInterval(
      () => this.sweep().catch(() => undefined),
      this.config.media.sweepIntervalMs,
    );
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<string[]> {
    const before = new Date(now - this.config.media.unreferencedTtlMs);
    try {
      const removed = await this.store.deleteOlderThan(UPLOADS_PREFIX, before);
      if (removed.length > 0)
        this.logger.info({ removed: removed.length }, 'unreferenced uploads removed');
      return removed;
    } catch (error) {
      this.logger.warn({ err: error }, 'sweeping unreferenced uploads failed; next round retries');
      return [];
    }
  }
}
