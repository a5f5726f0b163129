import { PRESENCE_TTL_MS } from '@chat/domain';
import { isPresenceEvent, type ChatEvent } from '@chat/events';
import { connectionMember, type PresenceKeys } from '@chat/views';

/** One Redis command: its name, then its arguments. */
export type RedisCommand = [name: string, ...args: Array<string | number>];

/**
 * Maps presence events to Redis commands, in log order. Pure, and idempotent by construction:
 * times only move forward (ZADD GT), removals and set changes are absolute, so applying a
 * batch twice, or a prefix of it then all of it, ends in the same state.
 *
 * The set holds connections, not devices: one device may hold several (two tabs, a socket
 * and an event stream), and one of them closing must not take the others offline. A
 * connection is its device and the id its gateway reports it by (the envelope's correlation).
 * One that never said goodbye (its gateway died) is pruned by the user's next event once its
 * last sign of life is older than the TTL; until then readers see it as expired anyway.
 */
export function presenceChanges(
  events: readonly ChatEvent[],
  keys: PresenceKeys,
  ttlMs = PRESENCE_TTL_MS,
): RedisCommand[] {
  const commands: RedisCommand[] = [];
  for (const event of events) {
    if (!isPresenceEvent(event)) continue;
    const at = event.envelope.occurredAt;
    const devices = keys.devices(event.userId);
    switch (event.type) {
      case 'Connected':
      case 'Heartbeat':
        commands.push(
          ['zadd', devices, 'GT', at, connectionOf(event)],
          ['zremrangebyscore', devices, '-inf', `(${at - ttlMs}`],
          ['zadd', keys.lastSeen, 'GT', at, event.userId],
        );
        break;
      case 'Disconnected':
        commands.push(
          ['zrem', devices, connectionOf(event)],
          ['zadd', keys.lastSeen, 'GT', at, event.userId],
        );
        break;
      case 'PresenceSettingsChanged':
        commands.push(
          event.lastSeenVisible
            ? ['srem', keys.hidden, event.userId]
            : ['sadd', keys.hidden, event.userId],
        );
        break;
    }
  }
  return commands;
}

/** The member of the user's set a connection event names: its device and its connection. */
function connectionOf(
  event: Extract<ChatEvent, { type: 'Connected' | 'Heartbeat' | 'Disconnected' }>,
) {
  return connectionMember(event.deviceId, event.envelope.correlationId);
}
