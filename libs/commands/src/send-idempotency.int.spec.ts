import { randomUUID } from 'node:crypto';
import { loadConfig } from '@chat/config';
import { DomainError, messageIdFor, type ConversationCommand } from '@chat/domain';
import { createRedis } from '@chat/storage';
import { SendIdempotency, type DecidedSend } from './send-idempotency';

type SendMessage = Extract<ConversationCommand, { type: 'SendMessage' }>;

const redis = createRedis(loadConfig(), { autoPipelining: true });
const idempotency = new SendIdempotency(redis);

afterAll(() => redis.quit());

function sendOf(senderId: string, body = 'hello'): SendMessage {
  const clientMessageId = randomUUID();
  return {
    type: 'SendMessage',
    conversationId: `c-${randomUUID()}`,
    messageId: messageIdFor(senderId, clientMessageId),
    clientMessageId,
    kind: 'TEXT',
    body,
    replyTo: null,
    ciphertext: null,
    media: null,
  };
}

/** A send whose decision and append are counted; `refuse` makes the next decisions refuse. */
function countedSend(options: { appendMs?: number } = {}) {
  const counts = { decided: 0, appended: 0 };
  let refuse = false;
  const send: DecidedSend<{ envelope: { eventId: string } }> = {
    async decide() {
      counts.decided++;
      if (refuse) throw new DomainError('not-a-member', 'not a member');
      return [{ envelope: { eventId: `e-${counts.decided}` } }];
    },
    async append() {
      await new Promise((resolve) => setTimeout(resolve, options.appendMs ?? 0));
      counts.appended++;
    },
  };
  return { send, counts, refuseFromNowOn: (value: boolean) => void (refuse = value) };
}

describe('a send, once', () => {
  it('appends once when copies arrive while the first holds the claim, and they answer as replays', async () => {
    const command = sendOf(`u-${randomUUID()}`);
    const { send, counts } = countedSend({ appendMs: 50 });
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => idempotency.once('sender', command, send)),
    );
    expect(counts.appended).toBe(1);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(outcomes.filter((o) => o.replayed)).toHaveLength(3);
    // The copies answer the event the first one appended.
    expect(outcomes.map((o) => o.eventIds)).toEqual(Array(4).fill(['e-1']));
  });

  it('reads the decision while the claim is being taken, not after it', async () => {
    const { send, counts } = countedSend();
    const outcome = idempotency.once('sender', sendOf(`u-${randomUUID()}`), send);
    expect(counts.decided).toBe(1);
    await expect(outcome).resolves.toEqual({ replayed: false, eventIds: ['e-1'] });
    expect(counts).toEqual({ decided: 1, appended: 1 });
  });

  it('answers a refusal with the refusal, and a later attempt is decided afresh', async () => {
    const command = sendOf(`u-${randomUUID()}`);
    const { send, counts, refuseFromNowOn } = countedSend();
    refuseFromNowOn(true);
    await expect(idempotency.once('sender', command, send)).rejects.toThrow('not-a-member');
    expect(counts.appended).toBe(0);
    // The refusal released the claim: once the sender may send, the same message goes through.
    refuseFromNowOn(false);
    await expect(idempotency.once('sender', command, send)).resolves.toEqual({
      replayed: false,
      eventIds: ['e-2'],
    });
    expect(counts.appended).toBe(1);
    await expect(idempotency.once('sender', command, send)).resolves.toEqual({
      replayed: true,
      eventIds: ['e-2'],
    });
    expect(counts.appended).toBe(1);
  });

  it('refuses the same client message id for different content', async () => {
    const command = sendOf(`u-${randomUUID()}`);
    const { send } = countedSend();
    await idempotency.once('sender', command, send);
    await expect(
      idempotency.once('sender', { ...command, body: 'something else' }, send),
    ).rejects.toMatchObject({ status: 409, code: 'client-message-id-reused' });
  });
});
