import { refuse, type ClientFrameType, type Refusal } from '@chat/protocol';
import { TokenBuckets, type TokenBucketOptions } from './token-buckets';

/**
 * What a client frame spends. Every frame type is in the table (the compiler says so when a
 * type is added), so none goes unbudgeted:
 * - `command`: the user's command budget, shared with the command API's HTTP routes and kept
 *   in Redis (`CommandHandling.spend`), spent before a send takes a place among unanswered ones;
 * - `read`: reads of the views, the same per-user rate as HTTP's reads;
 * - `typing`: typing signals, each of which costs a Redis write and an audience query;
 * - `session`: once per connection (a second `hello` is refused); connections have their own
 *   budget, `connect`, spent at the WebSocket upgrade and the event stream's request.
 */
export type FrameBudget = 'session' | 'command' | 'read' | 'typing';

export const FRAME_BUDGETS: Readonly<Record<ClientFrameType, FrameBudget>> = {
  hello: 'session',
  send: 'command',
  ack: 'command',
  read: 'command',
  typing: 'typing',
  history: 'read',
  sync: 'read',
  inbox: 'read',
  search: 'read',
  'presence.subscribe': 'read',
  'presence.unsubscribe': 'read',
  'media.url': 'read',
};

/** Why a frame or connection is not taken now: an `error` frame (or 429), never a close. */
export interface RateRefusal {
  code: 'rate-limited';
  message: string;
  retryAfterMs: number;
}

/** A budget's refusal as every transport answers it (an `error` frame, a 429 problem). */
export function refusalOfBudget({ code, message, retryAfterMs }: RateRefusal): Refusal {
  return refuse(code, message, { retryAfterMs });
}

/** The budgets kept on this gateway process, per user, shared by all of the user's sockets. */
export interface LocalBudgets {
  read: TokenBucketOptions;
  typing: TokenBucketOptions;
  connect: TokenBucketOptions;
}

const NOUNS: Record<keyof LocalBudgets, string> = {
  read: 'reads',
  typing: 'typing signals',
  connect: 'connections',
};

/** Per-user token buckets for the budgets this process keeps (commands are kept in Redis). */
export class Budgets {
  private readonly buckets: Record<keyof LocalBudgets, TokenBuckets>;

  constructor(budgets: LocalBudgets) {
    this.buckets = {
      read: new TokenBuckets(budgets.read),
      typing: new TokenBuckets(budgets.typing),
      connect: new TokenBuckets(budgets.connect),
    };
  }

  /** Refusal of this frame by its budget here, or null (taken, or spent elsewhere). */
  frameRefusal(userId: string, type: ClientFrameType): RateRefusal | null {
    const budget = FRAME_BUDGETS[type];
    if (budget === 'read' || budget === 'typing') return this.spend(budget, userId);
    return null;
  }

  /** Refusal of a new connection (WebSocket or event stream) for this user, or null. */
  connectRefusal(userId: string): RateRefusal | null {
    return this.spend('connect', userId);
  }

  private spend(budget: keyof LocalBudgets, userId: string): RateRefusal | null {
    const taken = this.buckets[budget].take(userId);
    if (taken.allowed) return null;
    return {
      code: 'rate-limited',
      message: `too many ${NOUNS[budget]}: retry in ${taken.retryAfterMs} ms`,
      retryAfterMs: taken.retryAfterMs,
    };
  }
}
