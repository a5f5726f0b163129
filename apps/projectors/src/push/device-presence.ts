import type { Redis } from 'ioredis';
import { deviceOfMember, presenceKeysOf } from '@chat/views';
import { deviceKey } from './push-dispatch-decisions';

/**
 * Each device's newest sign of life in a presence version (the readers'), by deviceKey, for
 * the devices of the users given. The set holds connections: a device is alive as of its newest
 * connection; a device with none is absent.
 */
export async function lastAliveOf(
  redis: Redis,
  presenceVersion: number,
  users: string[],
): Promise<Map<string, number>> {
  const alive = new Map<string, number>();
  if (users.length === 0) return alive;
  const keys = presenceKeysOf(presenceVersion);
  const pipeline = redis.pipeline();
  for (const user of users) pipeline.zrange(keys.devices(user), '0', '-1', 'WITHSCORES');
  const results = (await pipeline.exec()) ?? [];
  results.forEach(([error, membersAndScores], i) => {
    if (error) throw error;
    const flat = membersAndScores as string[];
    for (let j = 0; j < flat.length; j += 2) {
      const key = deviceKey({ user_id: users[i]!, device_id: deviceOfMember(flat[j]!) });
      alive.set(key, Math.max(alive.get(key) ?? 0, Number(flat[j + 1])));
    }
  });
  return alive;
}
