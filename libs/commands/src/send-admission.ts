import { problem } from './problem';

/** Seconds a refused send should wait: about what a backlog of the bound takes to clear. */
const OVERLOADED_RETRY_AFTER_SECONDS = '1';

/**
 * A bound on the sends one process has taken and not yet answered. Past capacity, a send that
 * waits behind the others only waits longer as the load goes on, until its client times out
 * without knowing whether it was appended. Past the bound it is refused at once instead: 503
 * `overloaded`, retriable, nothing accepted. Sends to one conversation from one socket wait in
 * order, so the bound counts a send from the moment it is taken, queue included.
 */
export class SendAdmission {
  private pending = 0;

  constructor(private readonly limit: number) {}

  /** Takes a place, or throws the refusal. Call the returned release once, when answered. */
  take(): () => void {
    if (this.pending >= this.limit) {
      throw problem(
        503,
        'overloaded',
        `the server holds ${this.limit} unanswered sends; nothing was accepted, retry shortly`,
        {},
        { 'Retry-After': OVERLOADED_RETRY_AFTER_SECONDS },
      );
    }
    this.pending++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pending--;
    };
  }

  /** Sends taken and not yet released. */
  get taken(): number {
    return this.pending;
  }
}
