/** Resolves once `condition` holds, checking every few milliseconds; fails after the deadline. */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Everything emitted for one event type, in order. */
export function collect<T>(
  client: { on(type: never, listener: (payload: T) => void): unknown },
  type: string,
): T[] {
  const seen: T[] = [];
  (client.on as (type: string, listener: (payload: T) => void) => unknown)(type, (payload) =>
    seen.push(payload),
  );
  return seen;
}
