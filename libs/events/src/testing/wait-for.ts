export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Throws to stop waiting at once: the thing waited on can no longer happen. */
  abortIf?: () => void;
}

/**
 * Polls until `check` returns a value other than undefined, or fails after the deadline.
 * Errors from `check` are retried (a service may still be starting); `abortIf` is not.
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
      const value = await check();
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
