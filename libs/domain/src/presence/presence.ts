import type { PresenceSettingsChanged } from '@chat/events';
import { newEnvelope, type EnvelopeSource } from '../envelope';

/**
 * Presence rules. A device is online while its newest sign of life (connect or heartbeat) is
 * younger than the TTL; the gateway sends a heartbeat every 30 s, so one missed heartbeat
 * does not flicker a user offline, two do. Every time is the event's own time, never the
 * projector's clock: a rebuild gives the same view.
 */
export const PRESENCE_TTL_MS = 60_000;

/** What the presence view keeps per user. */
export interface PresenceFacts {
  /** Newest sign of life among the user's devices still connected; null when none is. */
  lastAliveAt: number | null;
  /** Newest connect, heartbeat or disconnect of any device. */
  lastSeenAt: number | null;
  lastSeenVisible: boolean;
}

export interface Presence {
  userId: string;
  online: boolean;
  /** When the user was last online; null while online, if never seen, or if hidden from you. */
  lastSeenAt: number | null;
}

export const NO_PRESENCE: PresenceFacts = {
  lastAliveAt: null,
  lastSeenAt: null,
  lastSeenVisible: true,
};

/** What `viewerId` may see of a user at `now`. A user always sees their own last seen. */
export function presenceFor(
  userId: string,
  facts: PresenceFacts,
  { now, viewerId, ttlMs = PRESENCE_TTL_MS }: { now: number; viewerId: string; ttlMs?: number },
): Presence {
  const online = facts.lastAliveAt !== null && facts.lastAliveAt > now - ttlMs;
  const visible = facts.lastSeenVisible || viewerId === userId;
  return { userId, online, lastSeenAt: online || !visible ? null : facts.lastSeenAt };
}

/** A user's choice to show or hide their last seen: always allowed, for themselves only. */
export function changePresenceSettings(
  lastSeenVisible: boolean,
  source: EnvelopeSource,
): PresenceSettingsChanged {
  return {
    type: 'PresenceSettingsChanged',
    envelope: newEnvelope('PresenceSettingsChanged', source),
    userId: source.actor.userId,
    lastSeenVisible,
  };
}
