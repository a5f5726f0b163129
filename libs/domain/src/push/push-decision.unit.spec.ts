import { PRESENCE_TTL_MS } from '../presence/presence';
import {
  collapseTopicOf,
  previewOf,
  pushPayload,
  pushVerdict,
  PUSH_PREVIEW_CHARS,
  type PushRecipientFacts,
} from './push-decision';

const NOW = Date.UTC(2026, 0, 1, 12);
const rules = { now: NOW, maxAgeMs: 600_000 };
const message = { seq: 7, sentAt: NOW - 5000 };
const offline: PushRecipientFacts = { muted: false, deliveredSeq: 0, lastAliveAt: null };

describe('push verdict for one recipient device', () => {
  it('should push to a device that is offline and has not acked the message', () => {
    expect(pushVerdict(message, offline, rules)).toBe('push');
  });

  it('should not push a muted conversation, even to an offline device', () => {
    expect(pushVerdict(message, { ...offline, muted: true }, rules)).toBe('skipped_muted');
  });

  it('should not push a message the device acked (delivered seq 7 covers seq 7)', () => {
    expect(pushVerdict(message, { ...offline, deliveredSeq: 7 }, rules)).toBe('skipped_delivered');
    expect(pushVerdict(message, { ...offline, deliveredSeq: 6 }, rules)).toBe('push');
  });

  it('should not push to a device with a live connection (a sign of life within the TTL)', () => {
    const alive = { ...offline, lastAliveAt: NOW - PRESENCE_TTL_MS + 1 };
    expect(pushVerdict(message, alive, rules)).toBe('skipped_online');
    const expired = { ...offline, lastAliveAt: NOW - PRESENCE_TTL_MS };
    expect(pushVerdict(message, expired, rules)).toBe('push');
  });

  it('should never push a message older than the maximum age', () => {
    const old = { seq: 7, sentAt: NOW - 600_001 };
    expect(pushVerdict(old, offline, rules)).toBe('skipped_stale');
    expect(pushVerdict({ seq: 7, sentAt: NOW - 600_000 }, offline, rules)).toBe('push');
  });

  it('should say stale before anything else, then muted, then delivered before online', () => {
    const everything = { muted: true, deliveredSeq: 9, lastAliveAt: NOW };
    expect(pushVerdict({ seq: 7, sentAt: 0 }, everything, rules)).toBe('skipped_stale');
    expect(pushVerdict(message, everything, rules)).toBe('skipped_muted');
    expect(pushVerdict(message, { ...everything, muted: false }, rules)).toBe('skipped_delivered');
  });
});

describe('push payload', () => {
  const base = { conversationId: 'conv-1', seq: 3, senderId: 'alice' };

  it('should carry sender and preview for plaintext, with the badge', () => {
    expect(pushPayload({ ...base, preview: 'hi' }, 4)).toEqual({
      ...base,
      preview: 'hi',
      badge: 4,
    });
  });

  it('should carry no sender and no text for a message with ciphertext', () => {
    expect(pushPayload({ ...base, preview: null }, 1)).toEqual({
      conversationId: 'conv-1',
      seq: 3,
      generic: true,
      badge: 1,
    });
    expect(previewOf('not shown', { algorithm: 'x', data: Buffer.alloc(1) })).toBeNull();
  });

  it('should cut a long preview at a code point boundary', () => {
    const preview = previewOf('😀'.repeat(PUSH_PREVIEW_CHARS + 5), null)!;
    expect(Array.from(preview)).toHaveLength(PUSH_PREVIEW_CHARS);
    expect(preview.endsWith('…')).toBe(true);
  });

  it('should collapse by a topic of at most 32 URL-safe characters, one per conversation', () => {
    const topic = collapseTopicOf(`group-${'x'.repeat(200)}`);
    expect(topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(collapseTopicOf('a')).toBe(collapseTopicOf('a'));
    expect(collapseTopicOf('a')).not.toBe(collapseTopicOf('b'));
  });
});
