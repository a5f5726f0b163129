import { refuse } from './problem';

/** How long a refused send should wait: about what a backlog of the bound takes to clear. */
const OVERLOADED_RETRY_AFTER_MS = 1000;

/**
 * A bound on the sends one process has taken and not yet answered, and on each user's share of
 * it. Past capacity, a send that waits behind the others only waits longer as the load goes
 * on, until its client times out without knowing whether it was appended. Past the bound it is
 * refused at once instead: 503 `overloaded`, retriable, nothing accepted. One user may hold at
 * most `perUser` places, so a client pipelining thousands of sends is refused (429
 * `rate-limited`) long before the others see `overloaded`. Sends to one conversation from one
 * socket wait in order, so the bound counts a send from the moment it is taken, queue included.
 */
export class SendAdmission {
  private pending = 0;
  private readonly byUser = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly perUser = limit,
  ) {}

  /** Takes a place, or throws the refusal. Call the returned release once, when answered. */
  take(userId: string): () => void {
    const held = this.byUser.get(userId) ?? 0;
    if (held >= this.perUser) {
      throw refuse(
        'rate-limited',
        `you have ${this.perUser} sends unanswered; nothing was accepted, retry shortly`,
        { retryAfterMs: OVERLOADED_RETRY_AFTER_MS },
      );
    }
    if (this.pending >= this.limit) {
      throw refuse(
        'overloaded',
        `the server holds ${this.limit} unanswered sends; nothing was accepted, retry shortly`,
        { retryAfterMs: OVERLOADED_RETRY_AFTER_MS },
      );
    }
    this.pending++;
    this.byUser.set(userId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pending--;
      const left = (this.byUser.get(userId) ?? 1) - 1;
      if (left > 0) this.byUser.set(userId, left);
      else this.byUser.delete(userId);
    };
  }

  /** Sends taken and not yet released. */
  get taken(): number {
    return this.pending;
  }

  /** This user's sends taken and not yet released. */
  takenBy(userId: string): number {
    return this.byUser.get(userId) ?? 0;
  }
}
