import {
  changePresenceSettings,
  presenceFor,
  PRESENCE_TTL_MS,
  type PresenceFacts,
} from './presence';

const NOW = 1_800_000_000_000;
const facts = (overrides: Partial<PresenceFacts>): PresenceFacts => ({
  lastAliveAt: null,
  lastSeenAt: null,
  lastSeenVisible: true,
  ...overrides,
});

describe('presence as others see it', () => {
  it('shows a user online while a device was alive within the TTL', () => {
    const alive = facts({ lastAliveAt: NOW - PRESENCE_TTL_MS + 1, lastSeenAt: NOW - 5 });
    expect(presenceFor('bob', alive, { now: NOW, viewerId: 'alice' })).toEqual({
      userId: 'bob',
      online: true,
      lastSeenAt: null,
    });
  });

  it('shows the last seen time once every device disconnected or went silent', () => {
    const silent = facts({ lastAliveAt: NOW - PRESENCE_TTL_MS, lastSeenAt: NOW - PRESENCE_TTL_MS });
    expect(presenceFor('bob', silent, { now: NOW, viewerId: 'alice' })).toEqual({
      userId: 'bob',
      online: false,
      lastSeenAt: NOW - PRESENCE_TTL_MS,
    });
    const disconnected = facts({ lastAliveAt: null, lastSeenAt: NOW - 10 });
    expect(presenceFor('bob', disconnected, { now: NOW, viewerId: 'alice' }).lastSeenAt).toBe(
      NOW - 10,
    );
  });

  it('hides last seen from others when the user chose so, but not from the user', () => {
    const hidden = facts({ lastSeenAt: NOW - 10, lastSeenVisible: false });
    expect(presenceFor('bob', hidden, { now: NOW, viewerId: 'alice' }).lastSeenAt).toBeNull();
    expect(presenceFor('bob', hidden, { now: NOW, viewerId: 'bob' }).lastSeenAt).toBe(NOW - 10);
  });

  it('still shows online to everyone when last seen is hidden', () => {
    const hidden = facts({ lastAliveAt: NOW - 1, lastSeenVisible: false });
    expect(presenceFor('bob', hidden, { now: NOW, viewerId: 'alice' }).online).toBe(true);
  });

  it('knows nothing of a user never seen', () => {
    expect(presenceFor('bob', facts({}), { now: NOW, viewerId: 'alice' })).toEqual({
      userId: 'bob',
      online: false,
      lastSeenAt: null,
    });
  });
});

describe('changing presence settings', () => {
  it('records the choice for the actor, with the request as envelope', () => {
    const event = changePresenceSettings(false, {
      actor: { userId: 'bob', deviceId: null },
      now: NOW,
      correlationId: 'corr-1',
      newEventId: () => 'event-1',
    });
    expect(event).toEqual({
      type: 'PresenceSettingsChanged',
      envelope: {
        eventId: 'event-1',
        eventType: 'PresenceSettingsChanged',
        occurredAt: NOW,
        actor: { userId: 'bob', deviceId: null },
        correlationId: 'corr-1',
        causationId: null,
      },
      userId: 'bob',
      lastSeenVisible: false,
    });
  });
});
