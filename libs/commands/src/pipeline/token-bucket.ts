import type { Redis } from 'ioredis';
import { refuse } from '../problem';

/**
 * A token bucket per key in Redis, refilled continuously at `ratePerSecond` up to `burst`.
 * One Lua script reads, refills, takes and writes atomically with Redis's own clock, so any
 * number of command-api instances share one budget per user.
 */
const SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local retry = 0
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry}
`;

export interface TokenBucket {
  /** Takes one token; when none is left, says how long until one is. */
  take(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
}

export function createTokenBucket(
  redis: Redis,
  options: { ratePerSecond: number; burst: number; prefix?: string },
): TokenBucket {
  const prefix = options.prefix ?? 'chat:rate:';
  redis.defineCommand('chatTakeToken', { numberOfKeys: 1, lua: SCRIPT });
  return {
    async take(key) {
      const [allowed, retry] = (await (
        redis as unknown as {
          chatTakeToken(key: string, rate: number, burst: number): Promise<[number, number]>;
        }
      ).chatTakeToken(`${prefix}${key}`, options.ratePerSecond, options.burst)) as [number, number];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: retry };
    },
  };
}

/**
 * One token of `userId`'s budget in `bucket`, or the refusal every transport answers: 429
 * `rate-limited` saying when the next token comes, 503 when the limiter cannot be reached.
 * `what` names what the budget is of ("commands", "reads").
 */
export async function spendToken(bucket: TokenBucket, userId: string, what: string): Promise<void> {
  let result: Awaited<ReturnType<TokenBucket['take']>>;
  try {
    result = await bucket.take(userId);
  } catch {
    throw refuse('rate-limiter-unavailable', 'the rate limiter cannot be reached');
  }
  if (result.allowed) return;
  const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  throw refuse('rate-limited', `too many ${what}; retry in ${seconds} s`, {
    retryAfterMs: result.retryAfterMs,
  });
}
