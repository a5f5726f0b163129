import type { Redis } from 'ioredis';

/**
 * One typing signal per user and conversation per interval, across all of the user's sockets
 * on every gateway: the first signal claims a key in Redis that expires after the interval,
 * and signals while it exists are dropped.
 */
export class TypingThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly intervalMs: number,
    private readonly prefix = 'chat:typing-throttle:',
  ) {}

  /** True when this signal may go out. */
  async admit(userId: string, conversationId: string): Promise<boolean> {
    if (this.intervalMs <= 0) return true;
    const claimed = await this.redis.set(
      `${this.prefix}${userId}:${conversationId}`,
      '1',
      'PX',
      this.intervalMs,
      'NX',
    );
    return claimed === 'OK';
  }
}
