import { whenExpired } from './token-expiry';

describe('token expiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('fires once when the expiry passes', () => {
    const expired = jest.fn();
    whenExpired(Date.now() + 5000, expired);
    jest.advanceTimersByTime(4999);
    expect(expired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60_000);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('fires at once for a token already expired, and never once cancelled', () => {
    const late = jest.fn();
    whenExpired(Date.now() - 1, late);
    expect(late).toHaveBeenCalledTimes(1);
    const cancelled = jest.fn();
    const cancel = whenExpired(Date.now() + 1000, cancelled);
    cancel();
    jest.advanceTimersByTime(5000);
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('waits past the longest timer Node has (about 24.8 days)', () => {
    const expired = jest.fn();
    const days = 30 * 24 * 3600 * 1000;
    whenExpired(Date.now() + days, expired);
    jest.advanceTimersByTime(2 ** 31 - 1);
    expect(expired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(days - (2 ** 31 - 1));
    expect(expired).toHaveBeenCalledTimes(1);
  });
});
