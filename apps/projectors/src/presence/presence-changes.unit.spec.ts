import { PRESENCE_TTL_MS } from '@chat/domain';
import type { ChatEvent } from '@chat/events';
import { sampleEvents } from '@chat/events/testing';
import { presenceKeysOf } from '@chat/views';
import { presenceChanges } from './presence-changes';

const keys = presenceKeysOf(7);
const at = (event: ChatEvent) => event.envelope.occurredAt;
const sample = (type: ChatEvent['type']) => sampleEvents().find((e) => e.type === type)!;

describe('presence events as Redis commands', () => {
  it('marks a device alive at the event time, prunes silent devices, and moves last seen', () => {
    const heartbeat = sample('Heartbeat');
    expect(presenceChanges([heartbeat], keys)).toEqual([
      ['zadd', 'chat:presence_v7:devices:user-bob', 'GT', at(heartbeat), 'device-9'],
      [
        'zremrangebyscore',
        'chat:presence_v7:devices:user-bob',
        '-inf',
        `(${at(heartbeat) - PRESENCE_TTL_MS}`,
      ],
      ['zadd', 'chat:presence_v7:last-seen', 'GT', at(heartbeat), 'user-bob'],
    ]);
  });

  it('forgets a device on disconnect and keeps when it was seen', () => {
    const disconnected = sample('Disconnected');
    expect(presenceChanges([disconnected], keys)).toEqual([
      ['zrem', 'chat:presence_v7:devices:user-bob', 'device-9'],
      ['zadd', 'chat:presence_v7:last-seen', 'GT', at(disconnected), 'user-bob'],
    ]);
  });

  it('hides and shows last seen with absolute set changes', () => {
    const hide = sample('PresenceSettingsChanged');
    const show = { ...hide, lastSeenVisible: true } as ChatEvent;
    expect(presenceChanges([hide, show], keys)).toEqual([
      ['sadd', 'chat:presence_v7:hidden', 'user-bob'],
      ['srem', 'chat:presence_v7:hidden', 'user-bob'],
    ]);
  });

  it('leaves conversation events alone', () => {
    const conversationEvents = sampleEvents('conv-1').filter(
      (e) => !('deviceId' in e) && 'conversationId' in e,
    );
    expect(conversationEvents.length).toBeGreaterThan(0);
    expect(presenceChanges(conversationEvents, keys)).toEqual([]);
  });

  it('only ever moves times forward, so a replayed batch changes nothing', () => {
    const commands = presenceChanges(sampleEvents(), keys);
    for (const [name, , mode] of commands.filter(([name]) => name === 'zadd')) {
      expect([name, mode]).toEqual(['zadd', 'GT']);
    }
  });
});
