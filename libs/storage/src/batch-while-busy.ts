/**
 * Turns a call that takes many inputs at once (one round trip for all) into a call per input,
 * batching only what queues up: a call made while none is running starts at once, alone, and
 * the calls made while one runs go together in the next. So nothing waits on a timer, and under
 * load one round trip serves every caller that arrived during the previous one.
 *
 * Each input gets its own output (by position); if the batch throws, every call in it rejects
 * with that error. At most one batch runs at a time.
 */
export function batchWhileBusy<I, O>(
  many: (inputs: I[]) => Promise<O[]>,
): (input: I) => Promise<O> {
  let queued: Array<{ input: I; resolve(output: O): void; reject(error: unknown): void }> = [];
  let running = false;

  async function drain() {
    running = true;
    while (queued.length > 0) {
      const calls = queued;
      queued = [];
      try {
        const outputs = await many(calls.map((call) => call.input));
        calls.forEach((call, i) => call.resolve(outputs[i]!));
      } catch (error) {
        for (const call of calls) call.reject(error);
      }
    }
    running = false;
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      queued.push({ input, resolve, reject });
      if (!running) void drain();
    });
}
