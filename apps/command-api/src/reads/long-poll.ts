/** How often a held request looks again: a change is answered within this of being projected. */
export const POLL_INTERVAL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads until `ready` says the result has something, or `waitMs` has passed; then answers the
 * last read (empty after a full wait). Each look is one read of the view, never a hold on it.
 */
export async function longPoll<T>(
  read: () => Promise<T>,
  ready: (result: T) => boolean,
  waitMs: number,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = await read();
    const left = deadline - Date.now();
    if (ready(result) || left <= 0) return result;
    await sleep(Math.min(POLL_INTERVAL_MS, left));
  }
}
