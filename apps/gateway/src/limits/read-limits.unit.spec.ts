import { ReadLimits } from './read-limits';

describe('read limits', () => {
  it('counts history, sync, inbox and presence frames, and never writes or typing', () => {
    let now = 0;
    const limits = new ReadLimits({ ratePerSecond: 1, burst: 2, now: () => now });
    expect(limits.refusal('alice', 'history')).toBeNull();
    expect(limits.refusal('alice', 'presence.subscribe')).toBeNull();
    expect(limits.refusal('alice', 'send')).toBeNull();
    expect(limits.refusal('alice', 'typing')).toBeNull();
    expect(limits.refusal('alice', 'inbox')).toEqual({
      code: 'rate-limited',
      message: 'too many reads: retry in 1000 ms',
      retryAfterMs: 1000,
    });
    expect(limits.refusal('alice', 'ack')).toBeNull();
    now += 1000;
    expect(limits.refusal('alice', 'sync')).toBeNull();
  });

  it('counts search frames as reads', () => {
    const limits = new ReadLimits({ ratePerSecond: 1, burst: 1, now: () => 0 });
    expect(limits.refusal('alice', 'search')).toBeNull();
    expect(limits.refusal('alice', 'search')).toMatchObject({ code: 'rate-limited' });
  });
});
