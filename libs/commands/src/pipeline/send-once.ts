import { Inject, Injectable } from '@nestjs/common';
import { refuse } from '../problem';
import { CommandConnections } from './command-connections';

/** What a command claims to run once: a key in Redis, and the content it names. */
export interface OnceClaim {
  key: string;
  /** A digest of the content: the same key with other content is a mistake, not a retry. */
  fingerprint: string;
}

/** What a command did: whether it was a retry, and the ids of the events it put in the log. */
export interface CommandOutcome {
  replayed: boolean;
  /** Empty only for a retry that Redis no longer remembers (the view answered it). */
  eventIds: string[];
}

interface StoredClaim {
  state: 'pending' | 'done';
  fingerprint: string;
  /** Of a done claim: the ids of the events the command appended, so a retry answers them too. */
  eventIds?: string[];
}

/** A claim outlives a crashed request by this much, then another attempt may take over. */
const PENDING_MS = 15000;
/** How long a finished command is remembered here; after that the view answers the same. */
const DONE_MS = 24 * 3600 * 1000;
const POLL_MS = 20;
const WAIT_FOR_OTHER_MS = 5000;

/**
 * The "once" step of the pipeline, across instances and restarts. The first request for a key
 * claims it in Redis and runs the rest of the pipeline; concurrent and later ones wait for its
 * outcome and answer the same. A send's key derives its message id too (messageIdFor), so even
 * when Redis forgets, a retry names the same message: the view then finds it, and the
 * projections drop a copy.
 */
@Injectable()
export class SendOnce {
  constructor(@Inject(CommandConnections) private readonly connections: CommandConnections) {}

  /**
   * Runs `next` (decide and append, giving the ids of the events appended) only while holding
   * the claim. `next(true)` is the attempt that took the claim at the first try: the pipeline
   * may use the decision it read meanwhile; after waiting for another request it reads afresh.
   */
  async run(claim: OnceClaim, next: (firstTry: boolean) => Promise<string[]>) {
    const { redis } = this.connections;
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    const pending: StoredClaim = { state: 'pending', fingerprint: claim.fingerprint };
    for (let firstTry = true; ; firstTry = false) {
      const claimed = await redis
        .set(claim.key, JSON.stringify(pending), 'PX', PENDING_MS, 'NX')
        .catch(unavailable);
      if (claimed === 'OK') return this.holding(claim, () => next(firstTry));
      const raw = await redis.get(claim.key).catch(unavailable);
      if (raw !== null) {
        const stored = JSON.parse(raw) as StoredClaim;
        if (stored.fingerprint !== claim.fingerprint) {
          throw refuse(
            'client-message-id-reused',
            'this client message id was already used for a different message',
          );
        }
        if (stored.state === 'done') {
          return { replayed: true, eventIds: stored.eventIds ?? [] } satisfies CommandOutcome;
        }
      }
      if (Date.now() > deadline) {
        throw refuse('send-in-progress', 'the same send is still in progress; retry shortly');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async holding(claim: OnceClaim, next: () => Promise<string[]>): Promise<CommandOutcome> {
    const { redis } = this.connections;
    let eventIds: string[];
    try {
      eventIds = await next();
    } catch (error) {
      await redis.del(claim.key).catch(() => undefined);
      throw error;
    }
    // Not awaited: the answer does not wait on a cache write. Until it lands a retry sees the
    // claim pending and waits for it; if it never lands, the claim expires and the view
    // answers the retry (the derived message id is already there).
    const done: StoredClaim = { state: 'done', fingerprint: claim.fingerprint, eventIds };
    redis.set(claim.key, JSON.stringify(done), 'PX', DONE_MS).catch(() => undefined);
    // Nothing appended: the view already had this message (Redis had forgotten it).
    return { replayed: eventIds.length === 0, eventIds };
  }
}

function unavailable(error: unknown): never {
  throw refuse(
    'idempotency-store-unavailable',
    `Redis cannot be reached: ${(error as Error).message}`,
    { cause: error },
  );
}
