import { refuse } from '../http/problem';

/**
 * How long a held request waits for news of its conversation before it reads again anyway:
 * news comes from the projectors over Redis, and one that is lost costs at most this.
 */
export const FALLBACK_READ_MS = 5000;

/**
 * Long polls (GET .../sync?wait=): a request waits until its conversation has something after
 * the cursor, or the wait is over. It reads once, then again only when the projectors say the
 * conversation changed (`changed`), or every FALLBACK_READ_MS: a held request costs a few
 * reads, not one every few milliseconds. One user holds at most `maxPerUser` at once on this
 * process; one more is refused with 429 and when to retry.
 */
export class LongPolls {
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly maxPerUser: number,
    private readonly fallbackReadMs = FALLBACK_READ_MS,
  ) {}

  /** Whether any request waits: news need not be read while none does. */
  get idle(): boolean {
    return this.waiting.size === 0;
  }

  /** The projectors changed this conversation: its held requests read again. */
  changed(conversationId: string): void {
    for (const wake of this.waiting.get(conversationId) ?? []) wake();
  }

  /**
   * Reads until `ready` says the result has something, or `waitMs` has passed; then answers
   * the last read (empty after a full wait).
   */
  async poll<T>(
    userId: string,
    conversationId: string,
    read: () => Promise<T>,
    ready: (result: T) => boolean,
    waitMs: number,
  ): Promise<T> {
    if (waitMs <= 0) return read();
    const holding = this.held.get(userId) ?? 0;
    if (holding >= this.maxPerUser) {
      throw refuse(
        'too-many-long-polls',
        `you hold ${this.maxPerUser} long polls open; wait for one to answer`,
      );
    }
    this.held.set(userId, holding + 1);
    try {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const result = await read();
        const left = deadline - Date.now();
        if (ready(result) || left <= 0) return result;
        await this.news(conversationId, Math.min(left, this.fallbackReadMs));
      }
    } finally {
      const left = (this.held.get(userId) ?? 1) - 1;
      if (left > 0) this.held.set(userId, left);
      else this.held.delete(userId);
    }
  }

  /** Resolves when the conversation changes, or after `ms`. */
  private news(conversationId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(conversationId) ?? new Set();
      const wake = () => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0) this.waiting.delete(conversationId);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiters.add(wake);
      this.waiting.set(conversationId, waiters);
    });
  }
}
