import {
  decideRound,
  deviceKey,
  jobFor,
  judgedByInbox,
  withoutRefusedPreviews,
  type DueMessage,
  type RecipientDevice,
} from './push-dispatch-decisions';

const NOW = 1_000_000;
const message = (id: string, over: Partial<DueMessage> = {}): DueMessage => ({
  conversation_id: 'c',
  message_id: id,
  sender_id: 'ann',
  partition: 0,
  offset: '10',
  sent_at_ms: String(NOW - 6_000),
  preview: 'hello',
  preview_offset: null,
  ...over,
});
const device = (messageId: string, userId: string, over: Partial<RecipientDevice> = {}) => ({
  conversation_id: 'c',
  message_id: messageId,
  seq: 3,
  user_id: userId,
  device_id: 'd',
  endpoint: 'https://push.example/x',
  p256dh: 'k',
  auth: 'a',
  muted: false,
  delivered_seq: 0,
  badge: 2,
  ...over,
});
const positions = (inbox: bigint, push = inbox) => ({
  inbox: new Map([[0, inbox]]),
  push: new Map([[0, push]]),
});

describe('which due messages the inbox has judged', () => {
  it('should wait for the inbox to pass the send', () => {
    expect(judgedByInbox([message('m')], positions(10n))).toEqual([]);
    expect(judgedByInbox([message('m')], positions(11n))).toEqual([message('m')]);
  });

  it('should wait for the inbox to pass the edit the preview is from', () => {
    const edited = message('m', { preview_offset: '20' });
    expect(judgedByInbox([edited], positions(15n))).toEqual([]);
    expect(judgedByInbox([edited], positions(21n))).toEqual([edited]);
  });

  it('should wait for this push version to have seen all the inbox judged', () => {
    expect(judgedByInbox([message('m')], positions(12n, 11n))).toEqual([]);
    expect(judgedByInbox([message('m')], positions(12n, 12n))).toEqual([message('m')]);
  });

  it('should treat a partition with no position as not judged', () => {
    expect(judgedByInbox([message('m', { partition: 5 })], positions(100n))).toEqual([]);
  });
});

describe('previews of edits the inbox ignored', () => {
  it('should drop the preview of a message whose edit was ignored, and keep the others', () => {
    const refused = message('m1', { preview_offset: '20', preview: 'edited' });
    const allowed = message('m2', { preview_offset: '21', preview: 'edited' });
    const asSent = message('m3');
    expect(withoutRefusedPreviews([refused, allowed, asSent], new Set(['0/20']))).toEqual([
      { ...refused, preview: null },
      allowed,
      asSent,
    ]);
  });
});

describe('a round of decisions', () => {
  const round = (devices: RecipientDevice[], room: number, alive = new Map<string, number>()) =>
    decideRound({
      messages: [message('m1'), message('m2')],
      devices,
      alive,
      room,
      now: NOW,
      maxAgeMs: 600_000,
    });

  it('should decide skips at once and pushes only as far as the room goes, deferring the rest', () => {
    const devices = [
      device('m1', 'ben'),
      device('m1', 'cat', { muted: true }),
      device('m2', 'dan'),
      device('m2', 'eve'),
    ];
    const { decided, done, deferred } = round(devices, 2);
    // 1 skip + 2 of the 3 pushes (room 2): eve's push waits, so m2 keeps its pending row.
    expect(decided.map((d) => [d.device.user_id, d.verdict])).toEqual([
      ['cat', 'skipped_muted'],
      ['ben', 'push'],
      ['dan', 'push'],
    ]);
    expect(done.map((m) => m.message_id)).toEqual(['m1']);
    expect([...deferred]).toEqual(['c\u0000m2']);
  });

  it('should skip a device the presence view has alive and one that acked the seq', () => {
    const alive = new Map([[deviceKey({ user_id: 'ben', device_id: 'd' }), NOW - 1_000]]);
    const { decided } = round(
      [device('m1', 'ben'), device('m1', 'cat', { delivered_seq: 3 })],
      10,
      alive,
    );
    expect(decided.map((d) => d.verdict)).toEqual(['skipped_online', 'skipped_delivered']);
  });

  it('should finish every message when nothing is deferred, even one without devices', () => {
    const { done, deferred } = round([device('m1', 'ben')], 10);
    expect(done.map((m) => m.message_id)).toEqual(['m1', 'm2']);
    expect(deferred.size).toBe(0);
  });
});

describe('the job for a claimed push', () => {
  it('should carry the preview, the badge and the due time, collapsed by conversation', () => {
    const job = jobFor(device('m1', 'ben'), message('m1'), 5_000);
    expect(job.key).toEqual({ conversationId: 'c', messageId: 'm1', userId: 'ben', deviceId: 'd' });
    expect(JSON.parse(job.payload)).toMatchObject({ conversationId: 'c', seq: 3, badge: 2 });
    expect(job.dueAt).toBe(NOW - 6_000 + 5_000);
    expect(job.options).toMatchObject({ urgency: 'high', ttlSeconds: 24 * 3600 });
  });
});
