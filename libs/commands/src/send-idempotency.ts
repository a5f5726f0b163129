import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConversationCommand } from '@chat/domain';
import { problem } from './problem';

type SendMessage = Extract<ConversationCommand, { type: 'SendMessage' }>;

interface Claim {
  state: 'pending' | 'done';
  fingerprint: string;
}

/** A claim outlives a crashed request by this much, then another attempt may take over. */
const PENDING_MS = 15000;
/** How long a finished send is remembered here; after that the view answers the same. */
const DONE_MS = 24 * 3600 * 1000;
const POLL_MS = 20;
const WAIT_FOR_OTHER_MS = 5000;

/**
 * "Once" for sends, across instances and restarts. The first request for a sender and client
 * message id claims it in Redis; concurrent and later ones wait for its outcome and answer the
 * same. The message id is derived from the pair (messageIdFor), so even when Redis forgets,
 * a retry names the same message: the view then finds it, and the projections drop a copy.
 */
export class SendIdempotency {
  constructor(private readonly redis: Redis) {}

  async once(
    senderId: string,
    command: SendMessage,
    send: () => Promise<unknown[]>,
  ): Promise<{ replayed: boolean }> {
    const key = `chat:send:${senderId}:${command.clientMessageId}`;
    const fingerprint = fingerprintOf(command);
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    for (;;) {
      const mine: Claim = { state: 'pending', fingerprint };
      const claimed = await this.redis
        .set(key, JSON.stringify(mine), 'PX', PENDING_MS, 'NX')
        .catch(unavailable);
      if (claimed === 'OK') {
        let appended: unknown[];
        try {
          appended = await send();
        } catch (error) {
          await this.redis.del(key).catch(() => undefined);
          throw error;
        }
        const done: Claim = { state: 'done', fingerprint };
        await this.redis.set(key, JSON.stringify(done), 'PX', DONE_MS).catch(() => undefined);
        // Nothing appended: the view already had this message (Redis had forgotten it).
        return { replayed: appended.length === 0 };
      }
      const raw = await this.redis.get(key).catch(unavailable);
      if (raw !== null) {
        const claim = JSON.parse(raw) as Claim;
        if (claim.fingerprint !== fingerprint) {
          throw problem(
            409,
            'client-message-id-reused',
            'this client message id was already used for a different message',
          );
        }
        if (claim.state === 'done') return { replayed: true };
      }
      if (Date.now() > deadline) {
        throw problem(
          409,
          'send-in-progress',
          'the same send is still in progress; retry shortly',
          {},
          { 'Retry-After': '1' },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

function fingerprintOf(command: SendMessage): string {
  const { conversationId, kind, body, replyTo, ciphertext, media } = command;
  const content = JSON.stringify([
    conversationId,
    kind,
    body,
    replyTo,
    ciphertext && [ciphertext.algorithm, Buffer.from(ciphertext.data).toString('base64')],
    media,
  ]);
  return createHash('sha256').update(content).digest('base64url');
}

function unavailable(error: unknown): never {
  throw problem(
    503,
    'idempotency-store-unavailable',
    `Redis cannot be reached: ${(error as Error).message}`,
    {},
    {
      'Retry-After': '2',
    },
  );
}
