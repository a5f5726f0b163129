import { SocketLimiter } from './socket-limiter';

describe('sockets per user', () => {
  it('refuses a socket past the limit and admits one again once a place is free', () => {
    const limiter = new SocketLimiter(2);
    expect(limiter.acquire('alice', 's1')).toBe(true);
    expect(limiter.acquire('alice', 's2')).toBe(true);
    expect(limiter.acquire('alice', 's3')).toBe(false);
    expect(limiter.acquire('bob', 's4')).toBe(true);
    expect(limiter.release('alice', 's1')).toBe(true);
    expect(limiter.acquire('alice', 's3')).toBe(true);
    expect(limiter.countOf('alice')).toBe(2);
  });

  it('says a refused socket held nothing when it is released', () => {
    const limiter = new SocketLimiter(1);
    limiter.acquire('alice', 's1');
    expect(limiter.acquire('alice', 's2')).toBe(false);
    expect(limiter.release('alice', 's2')).toBe(false);
    expect(limiter.countOf('alice')).toBe(1);
    expect(limiter.release('alice', 's1')).toBe(true);
    expect(limiter.release('alice', 's1')).toBe(false);
    expect(limiter.countOf('alice')).toBe(0);
  });
});
