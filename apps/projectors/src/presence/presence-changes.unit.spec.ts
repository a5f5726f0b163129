import { PRESENCE_TTL_MS } from '@chat/domain';
import type { ChatEvent } from '@chat/events';
import { sampleEvents } from '@chat/events/testing';
import { presenceKeysOf } from '@chat/views';
import { presenceChanges } from './presence-changes';

const keys = presenceKeysOf(7);
const at = (event: ChatEvent) => event.envelope.occurredAt;
const sample = (type: ChatEvent['type']) => sampleEvents().find((e) => e.type === type)!;
const connection = (event: ChatEvent) => `device-9/${event.envelope.correlationId}`;

describe('presence events as Redis commands', () => {
  it('marks a device alive at the event time, prunes silent devices, and moves last seen', () => {
    const heartbeat = sample('Heartbeat');
    expect(presenceChanges([heartbeat], keys)).toEqual([
      ['zadd', 'chat:presence_v7:devices:user-bob', 'GT', at(heartbeat), connection(heartbeat)],
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
      ['zrem', 'chat:presence_v7:devices:user-bob', connection(disconnected)],
      ['zadd', 'chat:presence_v7:last-seen', 'GT', at(disconnected), 'user-bob'],
    ]);
  });

  it('keeps a user online while another connection of the same device is open', () => {
    // One device, two sockets (two tabs): the first one closing leaves the second online.
    const onSocket = (type: ChatEvent['type'], connectionId: string) => {
      const event = sample(type);
      return { ...event, envelope: { ...event.envelope, correlationId: connectionId } };
    };
    const events = [
      onSocket('Connected', 'tab-1'),
      onSocket('Connected', 'tab-2'),
      onSocket('Disconnected', 'tab-1'),
    ] as ChatEvent[];
    // The user's set as Redis would hold it after these commands.
    const online = new Set<string>();
    for (const [name, key, ...args] of presenceChanges(events, keys)) {
      if (key !== keys.devices('user-bob')) continue;
      if (name === 'zadd') online.add(String(args[2]));
      if (name === 'zrem') online.delete(String(args[0]));
    }
    expect(online.size).toBe(1);
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
