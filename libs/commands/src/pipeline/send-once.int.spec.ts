import { randomUUID } from 'node:crypto';
import { loadConfig } from '@chat/config';
import { DomainError, messageIdFor, type ConversationCommand } from '@chat/domain';
import { createRedis } from '@chat/storage';
import { sendClaimOf } from '../messages/send-claim';
import type { CommandConnections } from './command-connections';
import { SendOnce } from './send-once';

type SendMessage = Extract<ConversationCommand, { type: 'SendMessage' }>;

const redis = createRedis(loadConfig(), { autoPipelining: true });
const once = new SendOnce({ redis } as unknown as CommandConnections);

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

/**
 * The rest of the pipeline as the "once" step sees it, counted: a decision read at once (as
 * the pipeline reads it while the claim is being taken) and used on the first try, a fresh one
 * after waiting, then the append. `refuse` makes the next decisions refuse.
 */
function countedSend(options: { appendMs?: number } = {}) {
  const counts = { decided: 0, appended: 0 };
  let refuse = false;
  const decide = async () => {
    counts.decided++;
    if (refuse) throw new DomainError('not-a-member', 'not a member');
    return [`e-${counts.decided}`];
  };
  const send = (senderId: string, command: SendMessage) => {
    const early = decide();
    early.catch(() => undefined);
    return once.run(sendClaimOf(senderId, command), async (firstTry) => {
      const eventIds = await (firstTry ? early : decide());
      await new Promise((resolve) => setTimeout(resolve, options.appendMs ?? 0));
      counts.appended++;
      return eventIds;
    });
  };
  return { send, counts, refuseFromNowOn: (value: boolean) => void (refuse = value) };
}

describe('a send, once', () => {
  it('appends once when copies arrive while the first holds the claim, and they answer as replays', async () => {
    const command = sendOf(`u-${randomUUID()}`);
    const { send, counts } = countedSend({ appendMs: 50 });
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => send('sender', command)));
    expect(counts.appended).toBe(1);
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(outcomes.filter((o) => o.replayed)).toHaveLength(3);
    // The copies answer the event the first one appended.
    expect(outcomes.map((o) => o.eventIds)).toEqual(Array(4).fill(['e-1']));
  });

  it('reads the decision while the claim is being taken, not after it', async () => {
    const { send, counts } = countedSend();
    const outcome = send('sender', sendOf(`u-${randomUUID()}`));
    expect(counts.decided).toBe(1);
    await expect(outcome).resolves.toEqual({ replayed: false, eventIds: ['e-1'] });
    expect(counts).toEqual({ decided: 1, appended: 1 });
  });

  it('answers a refusal with the refusal, and a later attempt is decided afresh', async () => {
    const command = sendOf(`u-${randomUUID()}`);
    const { send, counts, refuseFromNowOn } = countedSend();
    refuseFromNowOn(true);
    await expect(send('sender', command)).rejects.toThrow('not-a-member');
    expect(counts.appended).toBe(0);
    // The refusal released the claim: once the sender may send, the same message goes through.
    refuseFromNowOn(false);
    await expect(send('sender', command)).resolves.toEqual({
      replayed: false,
      eventIds: ['e-2'],
    });
    expect(counts.appended).toBe(1);
    await expect(send('sender', command)).resolves.toEqual({
      replayed: true,
      eventIds: ['e-2'],
    });
    expect(counts.appended).toBe(1);
  });

  it('refuses the same client message id for different content', async () => {
    const command = sendOf(`u-${randomUUID()}`);
    const { send } = countedSend();
    await send('sender', command);
    await expect(send('sender', { ...command, body: 'something else' })).rejects.toMatchObject({
      status: 409,
      code: 'client-message-id-reused',
    });
  });
});
