/**
 * Offers `total` requests at `rate` per second, open loop: each leaves at its scheduled time
 * whether or not earlier ones have answered, so a stall shows as latency instead of hiding
 * as a lower rate. `send` gets the request's index and scheduled time (for latency from
 * schedule). `until`, when given, ends the schedule early once it returns true (a run bounded by
 * something other than a count). Resolves when every request sent has settled.
 */
export async function openLoop(
  rate: number,
  total: number,
  send: (i: number, due: number) => Promise<void>,
  until?: () => boolean,
): Promise<void> {
  const start = performance.now();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < total && !until?.(); i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(i, due));
  }
  await Promise.all(pending);
}
