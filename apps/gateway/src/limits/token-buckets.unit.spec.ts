import { TokenBuckets } from './token-buckets';

const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('token buckets', () => {
  it('lets a burst through, then one per refill interval, and says how long to wait', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3, now: time.now });
    expect([1, 2, 3].map(() => buckets.take('alice').allowed)).toEqual([true, true, true]);
    // Empty: the next token comes in 1000 / 2 = 500 ms.
    expect(buckets.take('alice')).toEqual({ allowed: false, retryAfterMs: 500 });
    time.advance(200);
    expect(buckets.take('alice')).toEqual({ allowed: false, retryAfterMs: 300 });
    time.advance(300);
    expect(buckets.take('alice')).toEqual({ allowed: true });
    expect(buckets.take('alice').allowed).toBe(false);
  });

  it('keeps one budget per key', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, now: time.now });
    expect(buckets.take('alice').allowed).toBe(true);
    expect(buckets.take('alice').allowed).toBe(false);
    expect(buckets.take('bob').allowed).toBe(true);
  });

  it('never holds more than a burst, however long it waited', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 10, burst: 2, now: time.now });
    buckets.take('alice');
    time.advance(60_000);
    expect([1, 2, 3].map(() => buckets.take('alice').allowed)).toEqual([true, true, false]);
  });

  it('forgets buckets that refilled once it holds too many keys', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, now: time.now, maxKeys: 2 });
    buckets.take('a');
    buckets.take('b');
    time.advance(5000);
    buckets.take('c');
    // a and b refilled (a full bucket is no bucket); c has just spent its token.
    expect(buckets.size).toBe(1);
    expect(buckets.take('c').allowed).toBe(false);
  });
});
