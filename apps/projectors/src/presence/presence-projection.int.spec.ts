import { randomUUID } from 'node:crypto';
import { newEnvelope, presenceFor, PRESENCE_TTL_MS } from '@chat/domain';
import {
  createEventAppender,
  createEventCodec,
  createLogAdmin,
  TOPICS,
  type ChatEvent,
  type EventType,
} from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { createPgPool, createRedis } from '@chat/storage';
import { lagOf, PresenceStore, presenceKeysOf } from '@chat/views';
import { startProjections, type RunningProjections } from '../start-projections';
import { presenceChanges } from './presence-changes';

/**
 * Presence from connection events: online while a device's heartbeat is fresh, last seen when
 * the last device leaves or goes silent, and hidden from others by the user's own setting.
 * Every time is the event's; `NOW` is the moment the view is read at.
 */
const { config, logger, kafka, registryUrl } = eventLogFixture('presence-projection');
const appender = createEventAppender({ kafka, codec: createEventCodec({ registryUrl }), logger });
const redis = createRedis(config);
const pool = createPgPool(config, { max: 2 });
const version = 100000 + Math.floor(Math.random() * 1000000);
const keys = presenceKeysOf(version);
const store = new PresenceStore(redis, keys);
const run = randomUUID().slice(0, 8);
const user = (name: string) => `${name}-${run}`;
const NOW = Date.now();
const SECOND = 1000;
let projections: RunningProjections;

function presenceEvent(
  type: Exclude<EventType, 'PresenceSettingsChanged'> | 'PresenceSettingsChanged',
  userId: string,
  secondsAgo: number,
  extra: { deviceId?: string; lastSeenVisible?: boolean } = {},
): ChatEvent {
  const envelope = newEnvelope(type, {
    actor: { userId, deviceId: extra.deviceId ?? null },
    now: NOW - secondsAgo * SECOND,
    // The gateway reports a connection's events under its connection id: one per device here.
    correlationId: `connection-${userId}-${extra.deviceId ?? 'phone'}`,
    newEventId: randomUUID,
  });
  if (type === 'PresenceSettingsChanged') {
    return { type, envelope, userId, lastSeenVisible: extra.lastSeenVisible ?? true };
  }
  return {
    type,
    envelope,
    userId,
    deviceId: extra.deviceId ?? 'phone',
    gatewayId: 'gateway-test',
  } as ChatEvent;
}

const script: ChatEvent[] = [
  // Alice: connected, heartbeat 5 s ago.
  presenceEvent('Connected', user('alice'), 40),
  presenceEvent('Heartbeat', user('alice'), 5),
  // Bob: his gateway died; his last heartbeat was 150 s ago and no goodbye came.
  presenceEvent('Connected', user('bob'), 200),
  presenceEvent('Heartbeat', user('bob'), 150),
  // Carol: two devices; the laptop left, the phone is still beating.
  presenceEvent('Connected', user('carol'), 100, { deviceId: 'laptop' }),
  presenceEvent('Connected', user('carol'), 90, { deviceId: 'phone' }),
  presenceEvent('Disconnected', user('carol'), 20, { deviceId: 'laptop' }),
  presenceEvent('Heartbeat', user('carol'), 15, { deviceId: 'phone' }),
  // Dave: left 250 s ago and hides his last seen.
  presenceEvent('Connected', user('dave'), 300),
  presenceEvent('Disconnected', user('dave'), 250),
  presenceEvent('PresenceSettingsChanged', user('dave'), 240, { lastSeenVisible: false }),
  // Erin: hid it, then changed her mind.
  presenceEvent('Disconnected', user('erin'), 30),
  presenceEvent('PresenceSettingsChanged', user('erin'), 20, { lastSeenVisible: false }),
  presenceEvent('PresenceSettingsChanged', user('erin'), 10, { lastSeenVisible: true }),
];
/** Everything this test appended, in log order (one partition per user keeps each in order). */
const appended = [...script];
const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map(user);

async function caughtUp() {
  const admin = await createLogAdmin(kafka);
  const ends = await admin.partitionOffsets(TOPICS.presence);
  await admin.disconnect();
  await waitFor(
    'presence to reach the end of its topic',
    async () => (lagOf(await store.positions(TOPICS.presence), ends) === 0n ? true : undefined),
    { timeoutMs: 60000, intervalMs: 100 },
  );
}

const seenBy = async (viewerId: string) => {
  const facts = await store.factsOf(users);
  return users.map((userId) => presenceFor(userId, facts.get(userId)!, { now: NOW, viewerId }));
};

beforeAll(async () => {
  await appender.connect();
  await appender.append(script);
  projections = await startProjections(config, {
    only: ['presence'],
    versions: { presence: version },
    logger,
  });
  await caughtUp();
}, 90000);

afterAll(async () => {
  await projections?.stop();
  await appender.disconnect();
  const stale = await redis.keys(`${keys.prefix}*`);
  if (stale.length > 0) await redis.del(...stale);
  await pool.query('DELETE FROM projection_versions WHERE projection = $1 AND version = $2', [
    'presence',
    version,
  ]);
  redis.disconnect();
  await pool.end();
});

describe('presence', () => {
  it('shows who is online, who was last seen when, and hides what users chose to hide', async () => {
    expect(await seenBy(user('someone'))).toEqual([
      { userId: user('alice'), online: true, lastSeenAt: null },
      { userId: user('bob'), online: false, lastSeenAt: NOW - 150 * SECOND },
      { userId: user('carol'), online: true, lastSeenAt: null },
      { userId: user('dave'), online: false, lastSeenAt: null },
      { userId: user('erin'), online: false, lastSeenAt: NOW - 30 * SECOND },
      { userId: user('frank'), online: false, lastSeenAt: null },
    ]);
    const daveSeesHimself = (await seenBy(user('dave'))).find((p) => p.userId === user('dave'));
    expect(daveSeesHimself).toEqual({
      userId: user('dave'),
      online: false,
      lastSeenAt: NOW - 250 * SECOND,
    });
  });

  it('goes offline when the heartbeats stop, or when the last device leaves', async () => {
    const later = NOW + PRESENCE_TTL_MS;
    const facts = await store.factsOf([user('alice')]);
    expect(
      presenceFor(user('alice'), facts.get(user('alice'))!, { now: later, viewerId: 'x' }),
    ).toEqual({ userId: user('alice'), online: false, lastSeenAt: NOW - 5 * SECOND });

    const goodbye = presenceEvent('Disconnected', user('carol'), 1, { deviceId: 'phone' });
    await appender.append([goodbye]);
    appended.push(goodbye);
    await caughtUp();
    const carol = await store.factsOf([user('carol')]);
    expect(
      presenceFor(user('carol'), carol.get(user('carol'))!, { now: NOW, viewerId: 'x' }),
    ).toEqual({ userId: user('carol'), online: false, lastSeenAt: NOW - 1 * SECOND });
  });

  it('ends in the same state when the log is applied again', async () => {
    const before = await store.factsOf(users);
    const again = redis.multi();
    for (const [name, ...args] of presenceChanges(appended, keys)) again.call(name, ...args);
    await again.exec();
    expect(await store.factsOf(users)).toEqual(before);
  });
});
