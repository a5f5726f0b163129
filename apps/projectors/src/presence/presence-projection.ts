import { isPresenceEvent, TOPICS } from '@chat/events';
import type { LivePublisher } from '../live/live-publisher';
import { PROJECTIONS, presenceKeysOf } from '@chat/views';
import type { RedisProjection } from '../runtime/redis-projection-runner';
import { presenceChanges } from './presence-changes';

/** Presence: who is online, when each user was last seen, and who hides it. */
export function presenceProjection(version: number, live?: LivePublisher): RedisProjection {
  const keys = presenceKeysOf(version);
  return {
    name: PROJECTIONS.presence,
    version,
    topics: [TOPICS.presence],
    keys,
    afterCommit: async (events) => {
      const users = new Set(
        events
          .map((consumed) => consumed.event)
          .flatMap((e) => (isPresenceEvent(e) ? [e.userId] : [])),
      );
      await live?.presenceTouched(version, [...users]);
    },
    commandsFor: (events) =>
      presenceChanges(
        events.map((consumed) => consumed.event),
        keys,
      ),
  };
}
