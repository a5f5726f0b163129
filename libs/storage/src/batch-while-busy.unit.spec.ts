import { batchWhileBusy } from './batch-while-busy';

describe('batchWhileBusy', () => {
  it('starts a call at once when idle, and puts the calls made meanwhile into one batch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const double = batchWhileBusy(async (inputs: number[]) => {
      batches.push(inputs);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return inputs.map((x) => x * 2);
    });
    const first = double(1);
    const later = [double(2), double(3), double(4)];
    expect(batches).toEqual([[1]]);
    release();
    expect(await first).toBe(2);
    expect(await Promise.all(later)).toEqual([4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every call of a batch that throws, and serves the next batch', async () => {
    let fail = true;
    const call = batchWhileBusy(async (inputs: string[]) => {
      if (fail) throw new Error('store down');
      return inputs;
    });
    const failed = [call('a'), call('b')];
    const results = await Promise.allSettled(failed);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await call('c')).toBe('c');
  });
});
