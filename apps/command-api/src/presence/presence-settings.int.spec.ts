import { randomUUID } from 'node:crypto';
import { TOPICS, partitionKeyOf } from '@chat/events';
import { eventLogFixture } from '@chat/events/testing';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startEventRecorder, type EventRecorder } from '../../../../test/harness/event-recorder';
import { startTogether } from '../../../../test/harness/start-together';

const { kafka, registryUrl } = eventLogFixture('presence-settings');
const bob = `bob-${randomUUID().slice(0, 8)}`;
let api: CommandApi;
let log: EventRecorder;

beforeAll(async () => {
  [api, log] = await startTogether([
    startCommandApi(),
    startEventRecorder(kafka, registryUrl, TOPICS.presence),
  ]);
});

afterAll(() => Promise.all([api.close(), log.stop()]));

describe('presence settings', () => {
  it('appends the choice to hide last seen on the presence topic, keyed by the user', async () => {
    const client = await api.as(bob);
    const hidden = await client.put('/v1/me/presence-settings', { lastSeenVisible: false });
    expect(hidden.status).toBe(202);
    const [event] = await log.waitFor(
      'the settings event',
      (e) => e.type === 'PresenceSettingsChanged' && e.userId === bob,
    );
    expect(event).toMatchObject({ lastSeenVisible: false, envelope: { actor: { userId: bob } } });
    expect(event!.envelope.eventId).toBe(hidden.body.eventIds[0]);
    expect(partitionKeyOf(event!)).toBe(bob);
  });

  it('refuses a body that is not exactly the setting, and appends nothing', async () => {
    const client = await api.as(`${bob}-strict`);
    for (const body of [{}, { lastSeenVisible: 'no' }, { lastSeenVisible: true, userId: 'eve' }]) {
      const refused = await client.put('/v1/me/presence-settings', body);
      expect(refused).toMatchObject({ status: 400, body: { code: 'invalid-request' } });
    }
    const unauthenticated = await api.request('PUT', '/v1/me/presence-settings', {
      body: { lastSeenVisible: true },
    });
    expect(unauthenticated.status).toBe(401);
    expect(log.all().filter((e) => 'userId' in e && e.userId === `${bob}-strict`)).toEqual([]);
  });
});
