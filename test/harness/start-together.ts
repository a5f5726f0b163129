/** Something a test starts and must stop: a server (`close`) or a consumer (`stop`). */
export type Stoppable = { close(): Promise<unknown> } | { stop(): Promise<unknown> };

/**
 * Starts several things side by side and returns them in order. If one fails to start, those
 * that did are stopped before the error is thrown: every test file runs in the same process,
 * and a consumer left running there would stay in the consumer groups of the files after it.
 */
export async function startTogether<T extends readonly Stoppable[]>(
  starts: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const settled = await Promise.allSettled(starts);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failure) {
    return settled.map((s) => (s as PromiseFulfilledResult<Stoppable>).value) as unknown as T;
  }
  await Promise.all(
    settled.map((s) =>
      s.status === 'fulfilled' ? stopOne(s.value).catch(() => undefined) : undefined,
    ),
  );
  throw failure.reason;
}

function stopOne(started: Stoppable): Promise<unknown> {
  return 'close' in started ? started.close() : started.stop();
}
