/** The longest delay a Node timer takes (about 24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `expired` once, when `expiresAt` (ms since the epoch) has passed; the returned function
 * cancels it. A session lives no longer than the token it was opened with.
 */
export function whenExpired(
  expiresAt: number,
  expired: () => void,
  now: () => number = Date.now,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const left = expiresAt - now();
    if (left <= 0) {
      expired();
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
