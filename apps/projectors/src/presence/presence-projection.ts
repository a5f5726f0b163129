import { TOPICS } from '@chat/events';
import { PROJECTIONS, presenceKeysOf } from '@chat/views';
import type { RedisProjection } from '../runtime/redis-projection-runner';
import { presenceChanges } from './presence-changes';

/** Presence: who is online, when each user was last seen, and who hides it. */
export function presenceProjection(version: number): RedisProjection {
  const keys = presenceKeysOf(version);
  return {
    name: PROJECTIONS.presence,
    version,
    topics: [TOPICS.presence],
    keys,
    commandsFor: (events) =>
      presenceChanges(
        events.map((consumed) => consumed.event),
        keys,
      ),
  };
}
