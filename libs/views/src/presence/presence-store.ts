import type { Redis } from 'ioredis';
import { NO_PRESENCE, type PresenceFacts } from '@chat/domain';
import { positionField, type PresenceKeys } from './presence-keys';

/** Reads the presence view: the facts per user, in one round trip for any number of users. */
export class PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: PresenceKeys,
  ) {}

  async factsOf(userIds: readonly string[]): Promise<Map<string, PresenceFacts>> {
    if (userIds.length === 0) return new Map();
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) {
      // The device alive most recently: the highest score.
      pipeline.zrange(this.keys.devices(userId), '-1', '-1', 'WITHSCORES');
    }
    pipeline.zmscore(this.keys.lastSeen, ...userIds);
    pipeline.smismember(this.keys.hidden, ...userIds);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    const values = results.map(([, value]) => value);
    const lastSeen = values[userIds.length] as Array<string | null>;
    const hidden = values[userIds.length + 1] as number[];
    return new Map(
      userIds.map((userId, i) => {
        const [, newestAlive] = values[i] as string[];
        const seen = lastSeen[i];
        const facts: PresenceFacts = {
          ...NO_PRESENCE,
          lastAliveAt: newestAlive === undefined ? null : Number(newestAlive),
          lastSeenAt: seen === null || seen === undefined ? null : Number(seen),
          lastSeenVisible: hidden[i] !== 1,
        };
        return [userId, facts];
      }),
    );
  }

  /** Where this version has read a topic up to, per partition (the next offset it applies). */
  async positions(topic: string): Promise<Map<number, bigint>> {
    const stored = await this.redis.hgetall(this.keys.positions);
    const prefix = positionField(topic, 0).replace(/0$/, '');
    return new Map(
      Object.entries(stored)
        .filter(([field]) => field.startsWith(prefix))
        .map(([field, next]) => [Number(field.slice(prefix.length)), BigInt(next)]),
    );
  }
}
