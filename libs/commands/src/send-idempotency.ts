import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConversationCommand } from '@chat/domain';
import { refuse } from './problem';

type SendMessage = Extract<ConversationCommand, { type: 'SendMessage' }>;

interface Claim {
  state: 'pending' | 'done';
  fingerprint: string;
  /** Of a done claim: the ids of the events the send appended, so a retry answers them too. */
  eventIds?: string[];
}

/** What a send did: whether it was a retry, and the ids of the events it put in the log. */
export interface SendOutcome {
  replayed: boolean;
  /** Empty only for a retry that Redis no longer remembers (the view answered it). */
  eventIds: string[];
}

/** A claim outlives a crashed request by this much, then another attempt may take over. */
const PENDING_MS = 15000;
/** How long a finished send is remembered here; after that the view answers the same. */
const DONE_MS = 24 * 3600 * 1000;
const POLL_MS = 20;
const WAIT_FOR_OTHER_MS = 5000;

/** A send in two steps: its decision on the view, then the append of what was decided. */
export interface DecidedSend<E> {
  decide(): Promise<E[]>;
  append(events: E[]): Promise<void>;
}

/**
 * "Once" for sends, across instances and restarts. The first request for a sender and client
 * message id claims it in Redis; concurrent and later ones wait for its outcome and answer the
 * same. The message id is derived from the pair (messageIdFor), so even when Redis forgets,
 * a retry names the same message: the view then finds it, and the projections drop a copy.
 *
 * The first decision is read while the claim is being taken (one round trip instead of two
 * before the append); only the request holding the claim appends, so a decision read for a
 * send another request holds is dropped, and after waiting for one a fresh decision is read.
 */
export class SendIdempotency {
  constructor(private readonly redis: Redis) {}

  async once<E extends { envelope: { eventId: string } }>(
    senderId: string,
    command: SendMessage,
    send: DecidedSend<E>,
  ): Promise<SendOutcome> {
    const key = `chat:send:${senderId}:${command.clientMessageId}`;
    const fingerprint = fingerprintOf(command);
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    let early: Promise<E[]> | null = send.decide();
    // Dropped unless this request takes the claim: its refusal then is nobody's answer.
    early.catch(() => undefined);
    for (;;) {
      const mine: Claim = { state: 'pending', fingerprint };
      const claimed = await this.redis
        .set(key, JSON.stringify(mine), 'PX', PENDING_MS, 'NX')
        .catch(unavailable);
      if (claimed === 'OK') {
        let appended: E[];
        try {
          appended = await (early ?? send.decide());
          await send.append(appended);
        } catch (error) {
          await this.redis.del(key).catch(() => undefined);
          throw error;
        }
        // Not awaited: the 202 does not wait on a cache write. Until it lands a retry sees the
        // claim pending and waits for it; if it never lands, the claim expires and the view
        // answers the retry (the derived message id is already there).
        const eventIds = appended.map((event) => event.envelope.eventId);
        const done: Claim = { state: 'done', fingerprint, eventIds };
        this.redis.set(key, JSON.stringify(done), 'PX', DONE_MS).catch(() => undefined);
        // Nothing appended: the view already had this message (Redis had forgotten it).
        return { replayed: appended.length === 0, eventIds };
      }
      early = null;
      const raw = await this.redis.get(key).catch(unavailable);
      if (raw !== null) {
        const claim = JSON.parse(raw) as Claim;
        if (claim.fingerprint !== fingerprint) {
          throw refuse(
            'client-message-id-reused',
            'this client message id was already used for a different message',
          );
        }
        if (claim.state === 'done') return { replayed: true, eventIds: claim.eventIds ?? [] };
      }
      if (Date.now() > deadline) {
        throw refuse('send-in-progress', 'the same send is still in progress; retry shortly');
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
  throw refuse(
    'idempotency-store-unavailable',
    `Redis cannot be reached: ${(error as Error).message}`,
    { cause: error },
  );
}
