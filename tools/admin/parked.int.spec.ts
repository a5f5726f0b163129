import { randomUUID } from 'node:crypto';
import { eventLogFixture } from '@chat/events/testing';
import { createPgPool } from '@chat/storage';
import { listParked, park, resumeRefused, unpark, versionKey } from '@chat/views';
import { formatParked, unparkConversations } from './parked';

/**
 * `chat-admin unpark` asks; the projector owning the partition resumes (here it is played by
 * the test, writing what a projector writes) and the command reports what became of each.
 */
const { config } = eventLogFixture('admin-parked');
const pool = createPgPool(config, { max: 2 });
const version = 100000 + Math.floor(Math.random() * 1000000);
const key = versionKey('inbox', version);
const [a, b, c] = [1, 2, 3].map((i) => `conversation-${i}-${randomUUID()}`);

beforeAll(async () => {
  for (const [i, conversationId] of [a, b, c].entries()) {
    await park(pool, {
      projection: key,
      conversationId: conversationId!,
      topic: 'chat.conversations.v1',
      partition: i,
      firstHeldOffset: 9007199254740993n + BigInt(i),
      reason: 'invalid byte sequence for encoding "UTF8": 0x00',
    });
  }
});

afterAll(async () => {
  await pool.query('DELETE FROM projection_parked WHERE projection = $1', [key]);
  await pool.end();
});

describe('chat-admin unpark', () => {
  it('asks for the given conversations only, and reports resumed and refused again', async () => {
    const projector = setTimeout(async () => {
      await unpark(pool, key, a!);
      await resumeRefused(pool, key, b!, 'still refused');
    }, 300);
    const result = await unparkConversations({ pool }, 'inbox', {
      version,
      conversationIds: [a!, b!],
      waitMs: 10000,
    });
    clearTimeout(projector);
    expect(result.requested.map((p) => p.conversationId).sort()).toEqual([a, b].sort());
    expect(result.resumed).toEqual([a]);
    expect(result.refused.map((p) => [p.conversationId, p.reason])).toEqual([[b, 'still refused']]);
    const untouched = (await listParked(pool, key)).find((p) => p.conversationId === c);
    expect(untouched?.resumeRequestedAt).toBeNull();
  });
});

describe('chat-admin status', () => {
  it('lists each parked conversation with its partition, held-since offset and reason', async () => {
    const table = formatParked(await listParked(pool, key));
    const line = table.split('\n').find((l) => l.includes(c!));
    expect(line).toContain('9007199254740995');
    expect(line).toContain(key);
    expect(line).toMatch(/ 2 /);
    expect(line).toContain('invalid byte sequence for encoding "UTF8": 0x00');
  });
});
