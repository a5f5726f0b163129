import type { ChatEvent, ConsumedEvent } from '@chat/events';
import { envelopeFor, eventLogFixture, sampleEvents } from '@chat/events/testing';
import { createPgPool } from '@chat/storage';
import { PROJECTIONS, pushSchemaOf, viewVersions } from '@chat/views';
import { pushProjection } from './push-projection';

/** The push projection's writes: idempotent, in log order, and what each event means. */
const { config } = eventLogFixture('push-projection');
const pool = createPgPool(config, { max: 2 });
const version = 500000 + Math.floor(Math.random() * 1000000);
const schema = pushSchemaOf(version);
const projection = pushProjection(version);

beforeAll(() => viewVersions(PROJECTIONS.push, { pool }).create(version));
afterAll(async () => {
  await viewVersions(PROJECTIONS.push, { pool, cassandra: undefined as never, keyspace: '' }).drop(
    version,
  );
  await pool.end();
});

const consumed = (events: ChatEvent[]): ConsumedEvent[] =>
  events.map((event, i) => ({ event, topic: 't', partition: 0, offset: String(i), timestamp: 0 }));

async function apply(events: ChatEvent[]) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await projection.apply(client, consumed(events));
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

const rows = async () => ({
  subscriptions: (await pool.query(`SELECT * FROM ${schema}.subscriptions ORDER BY device_id`))
    .rows,
  mutes: (await pool.query(`SELECT * FROM ${schema}.mutes`)).rows,
  pending: (await pool.query(`SELECT message_id, preview FROM ${schema}.pending`)).rows,
});

const registered = (deviceId: string, endpoint: string): ChatEvent => ({
  type: 'PushSubscriptionRegistered',
  envelope: envelopeFor('PushSubscriptionRegistered', 'bob'),
  userId: 'bob',
  deviceId,
  endpoint,
  p256dh: 'key',
  auth: 'secret',
});
const removed = (deviceId: string, endpoint: string, reason: string): ChatEvent => ({
  type: 'PushSubscriptionRemoved',
  envelope: envelopeFor('PushSubscriptionRemoved', 'bob'),
  userId: 'bob',
  deviceId,
  endpoint,
  reason,
});

describe('push projection', () => {
  it('should leave the same rows when a batch is applied twice', async () => {
    const events = sampleEvents('conv-twice');
    await apply(events);
    const once = await rows();
    await apply(events);
    expect(await rows()).toEqual(once);
    expect(once.pending).toHaveLength(1);
    expect(once.mutes).toEqual([{ user_id: 'user-bob', conversation_id: 'conv-twice' }]);
  });

  it('should keep a newer subscription when an older endpoint of the device is gone', async () => {
    await apply([
      registered('phone', 'https://push.test/old'),
      registered('phone', 'https://push.test/new'),
      removed('phone', 'https://push.test/old', 'gone'),
      registered('tablet', 'https://push.test/tablet'),
      removed('tablet', '', 'unregistered'),
    ]);
    const { subscriptions } = await rows();
    expect(subscriptions.filter((s) => s.user_id === 'bob')).toEqual([
      expect.objectContaining({ device_id: 'phone', endpoint: 'https://push.test/new' }),
    ]);
  });

  it("should take the author's edit into a pending preview, once, and no one else's", async () => {
    const [send] = sampleEvents('conv-edited').filter((e) => e.type === 'MessageSent');
    if (send?.type !== 'MessageSent') throw new Error('no sample send');
    const plain: ChatEvent = {
      ...send,
      kind: 'TEXT',
      body: 'as sent',
      ciphertext: null,
      media: null,
    };
    const edit = (editorId: string, body: string): ChatEvent => ({
      type: 'MessageEdited',
      envelope: envelopeFor('MessageEdited', editorId),
      conversationId: 'conv-edited',
      messageId: send.messageId,
      editorId,
      body,
      ciphertext: null,
    });
    const preview = async () =>
      (
        await pool.query(
          `SELECT preview, preview_offset FROM ${schema}.pending WHERE message_id = $1`,
          [send.messageId],
        )
      ).rows[0];
    // Offsets 0, 1, 2: the send, the author's edit, a stranger's.
    const events = [plain, edit(send.senderId, 'as edited'), edit('mallory', 'forged')];
    await apply(events);
    expect(await preview()).toEqual({ preview: 'as edited', preview_offset: '1' });
    // The same batch again, and the send alone (an older preview), change nothing.
    await apply(events);
    await apply([plain]);
    expect(await preview()).toEqual({ preview: 'as edited', preview_offset: '1' });
  });
});
