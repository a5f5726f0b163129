import { PROJECTIONS, versionKey } from '../projection-names';
import type { VersionStorage } from '../versions/version-storage';

/**
 * The presence view's Redis keys. Every key of a version starts with its version key, so a
 * rebuild writes beside the live one and a drop removes one prefix.
 *
 * - devices:<user>  sorted set: each open connection (`connectionMember`: device and
 *                   connection), scored by its newest sign of life (ms)
 * - last-seen       sorted set: each user, scored by the newest connect, heartbeat or disconnect
 * - hidden          set: users who hide their last seen
 * - positions       hash: `<topic>:<partition>` -> next offset, moved in the same MULTI/EXEC
 */
export interface PresenceKeys {
  prefix: string;
  devices(userId: string): string;
  lastSeen: string;
  hidden: string;
  positions: string;
}

export function presenceKeysOf(version: number): PresenceKeys {
  const prefix = `chat:${versionKey(PROJECTIONS.presence, version)}:`;
  return {
    prefix,
    devices: (userId) => `${prefix}devices:${userId}`,
    lastSeen: `${prefix}last-seen`,
    hidden: `${prefix}hidden`,
    positions: `${prefix}positions`,
  };
}

/**
 * A member of a user's `devices` set: one connection, not one device. A device may hold several
 * (two tabs, a socket and an event stream), and one closing must not take the others offline.
 */
export const connectionMember = (deviceId: string, connectionId: string) =>
  `${deviceId}/${connectionId}`;

/** The device a member of a `devices` set belongs to. */
export function deviceOfMember(member: string): string {
  const slash = member.lastIndexOf('/');
  // A member written before connections were kept is the device itself.
  return slash < 0 ? member : member.slice(0, slash);
}

export const positionField = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * Where a presence version lives: keys under its prefix, which need no creating; its positions
 * are among them. Removed only given Redis (a drop without it leaves the keys).
 */
export const presenceStorage: VersionStorage = {
  create: async () => {},
  async remove({ redis }, version) {
    if (!redis) return;
    const { prefix } = presenceKeysOf(version);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  },
};
