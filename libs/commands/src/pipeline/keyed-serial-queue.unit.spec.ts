import { KeyedSerialQueue } from './keyed-serial-queue';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('a keyed serial queue', () => {
  it('starts a task only after the one before it under the same key has settled', async () => {
    const queue = new KeyedSerialQueue();
    const started: string[] = [];
    const first = deferred();
    const second = deferred();
    const a = queue.run('g-1', async () => {
      started.push('a');
      await first.promise;
    });
    const b = queue.run('g-1', async () => {
      started.push('b');
      await second.promise;
      return 'b done';
    });
    const c = queue.run('g-2', async () => {
      started.push('c');
    });
    await c;
    // Another key runs beside; b waits for a.
    expect(started).toEqual(['a', 'c']);
    first.resolve();
    await a;
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'c', 'b']);
    second.resolve();
    await expect(b).resolves.toBe('b done');
    expect(queue.pending).toBe(0);
  });

  it('goes on after a task fails, and the failure reaches only its caller', async () => {
    const queue = new KeyedSerialQueue();
    const failing = deferred();
    const a = queue.run('g-1', () => failing.promise);
    const b = queue.run('g-1', async () => 'b');
    failing.reject(new Error('refused'));
    await expect(a).rejects.toThrow('refused');
    await expect(b).resolves.toBe('b');
  });
});
