import type { Pool } from 'pg';
import { PROJECTIONS, versionKey } from '../projection-names';
import {
  readerVersion,
  registerVersion,
  setReaderVersion,
  withVersionLock,
} from '../projection-versions';

/**
 * The presence view's Redis keys. Every key of a version starts with its version key, so a
 * rebuild writes beside the live one and a drop removes one prefix.
 *
 * - devices:<user>  sorted set: each connected device, scored by its newest sign of life (ms)
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

export const positionField = (topic: string, partition: number) => `${topic}:${partition}`;

/** Presence needs no tables: a version exists once registered. */
export async function ensurePresenceVersion(pool: Pool, version: number): Promise<void> {
  await withVersionLock(pool, (client) => registerVersion(client, PROJECTIONS.presence, version));
}

export async function activatePresenceVersion(pool: Pool, version: number): Promise<void> {
  await withVersionLock(pool, (client) => setReaderVersion(client, PROJECTIONS.presence, version));
}

/** First start: version 1 exists and readers use it. Later starts change nothing. */
export async function ensurePresenceReadable(pool: Pool): Promise<number> {
  const current = await readerVersion(pool, PROJECTIONS.presence);
  await ensurePresenceVersion(pool, current ?? 1);
  if (current === undefined) await activatePresenceVersion(pool, 1);
  return current ?? 1;
}
