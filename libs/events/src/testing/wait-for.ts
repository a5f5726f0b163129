export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Throws to stop waiting at once: the thing waited on can no longer happen. */
  abortIf?: () => void;
}

/**
 * Polls until `check` returns a value other than undefined, or fails after the deadline.
 * Errors from `check` are retried (a service may still be starting); `abortIf` is not. A check
 * that never settles (a query behind a lock, an exhausted pool) fails at the deadline too, with
 * this message, rather than leaving the test to its framework's timeout with no reason.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 15000, intervalMs = 50, abortIf }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    abortIf?.();
    try {
      const value = await settledBy(deadline, check());
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

class CheckHung extends Error {}

/** The check's value, or a CheckHung error once the deadline passes with the check unsettled. */
async function settledBy<T>(deadline: number, value: Promise<T> | T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckHung('the check did not settle before the deadline')),
      Math.max(0, deadline - Date.now()) + 10,
    );
  });
  try {
    return await Promise.race([value, hung]);
  } finally {
    clearTimeout(timer);
  }
}
