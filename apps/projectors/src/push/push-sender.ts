import { lookup } from 'node:dns/promises';
import {
  isInternalAddress,
  pushEndpointRefusal,
  type DevicePushSubscription,
  type PushEndpointPolicy,
} from '@chat/domain';
import type { Logger } from '@chat/observability';
import type {
  PinnedAddress,
  PushAttempt,
  PushDeliveryOptions,
  PushProvider,
} from './push-provider';

/** One claimed push: the ledger row it settles, where it goes, what it says. */
export interface PushJob {
  key: { conversationId: string; messageId: string; userId: string; deviceId: string };
  subscription: DevicePushSubscription;
  payload: string;
  options: PushDeliveryOptions;
  /** When the message became due (sent at + window), for the decision latency. */
  dueAt: number;
}

/** How a job ended, after every attempt it was allowed. */
export type PushResult = { outcome: 'sent' | 'gone' | 'failed'; attempts: number; detail: string };

export interface PushSenderOptions {
  provider: PushProvider;
  ratePerSecond: number;
  maxAttempts: number;
  retryBaseMs: number;
  logger: Logger;
  /** Called once per job when it ends; a failure here is logged, never retried as a send. */
  settle(job: PushJob, result: PushResult): Promise<void>;
  /** Endpoints refused by it are never sent to (registered before the policy changed). */
  policy?: PushEndpointPolicy;
  /** A host's addresses (default: the system resolver, every address). */
  resolve?: (host: string) => Promise<PinnedAddress[]>;
  /** Requests in flight at most, so a slow push service does not pile up sockets. */
  concurrency?: number;
}

const MAX_BACKOFF_MS = 60_000;

const systemResolve = async (host: string): Promise<PinnedAddress[]> =>
  (await lookup(host, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * Where one attempt may connect: the endpoint's host resolved once and every address checked,
 * since a name can point inside the network (or be changed to, between two lookups: the
 * provider connects to the address checked here, never resolving again).
 */
async function targetOf(
  endpoint: string,
  policy: PushEndpointPolicy | undefined,
  resolve: (host: string) => Promise<PinnedAddress[]>,
): Promise<{ target: PinnedAddress } | { refused: string } | { unresolved: string }> {
  const host = new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: PinnedAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    return { unresolved: `${host} does not resolve: ${(error as Error).message}` };
  }
  if (addresses.length === 0) return { unresolved: `${host} has no address` };
  const internal = addresses.find(({ address }) => isInternalAddress(address));
  if (internal && !policy?.allowInternalEndpoints) {
    return { refused: `${host} resolves to ${internal.address}, inside the network` };
  }
  return { target: addresses[0]! };
}

/**
 * Sends claimed pushes at a steady rate: a token bucket refilled `ratePerSecond` times a
 * second with a burst of a tenth of a second's worth, so a message to 1,000 offline members
 * leaves over five seconds at 200/s instead of at once. Every attempt, retries included,
 * spends a token. 5xx, 429 and network failures are retried with exponential backoff (or the
 * service's Retry-After, if longer) up to `maxAttempts`; each job is sent by one attempt
 * chain only, never twice.
 */
export function createPushSender(options: PushSenderOptions) {
  const { provider, ratePerSecond, logger } = options;
  const resolve = options.resolve ?? systemResolve;
  const concurrency = options.concurrency ?? 64;
  const burst = Math.max(1, Math.floor(ratePerSecond / 10));
  let tokens = burst;
  let refilledAt = Date.now();
  const queue: PushJob[] = [];
  let inFlight = 0;
  let pumping = false;
  let idle: Array<() => void> = [];
  let stopping = false;
  /** Backoffs in progress: a stop cuts them short (the job then ends failed, unsent). */
  const backoffs = new Map<NodeJS.Timeout, () => void>();

  const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const backoff = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        backoffs.delete(timer);
        resolve();
      }, ms);
      backoffs.set(timer, resolve);
    });

  /** Resolves when a token is spent: never sooner than the rate allows. */
  async function token(): Promise<void> {
    for (;;) {
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - refilledAt) * ratePerSecond) / 1000);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await wait(Math.ceil(((1 - tokens) * 1000) / ratePerSecond));
    }
  }

  async function attemptAll(job: PushJob): Promise<PushResult> {
    const refused =
      options.policy && pushEndpointRefusal(job.subscription.endpoint, options.policy);
    if (refused) return { outcome: 'failed', attempts: 0, detail: `not sent: ${refused}` };
    let last: PushAttempt | undefined;
    for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
      if (attempt > 1) await token();
      const where = await targetOf(job.subscription.endpoint, options.policy, resolve);
      if ('refused' in where) {
        return { outcome: 'failed', attempts: attempt - 1, detail: `not sent: ${where.refused}` };
      }
      last =
        'target' in where
          ? await provider.send(job.subscription, job.payload, job.options, where.target)
          : { kind: 'retry', status: null, retryAfterMs: null, detail: where.unresolved };
      if (last.kind !== 'retry') {
        const outcome = last.kind;
        return { outcome, attempts: attempt, detail: `HTTP ${last.status}` };
      }
      if (attempt === options.maxAttempts || stopping) {
        return { outcome: 'failed', attempts: attempt, detail: `gave up: ${last.detail}` };
      }
      const doubled = options.retryBaseMs * 2 ** (attempt - 1);
      await backoff(Math.min(MAX_BACKOFF_MS, Math.max(doubled, last.retryAfterMs ?? 0)));
      if (stopping)
        return { outcome: 'failed', attempts: attempt, detail: `stopped: ${last.detail}` };
    }
    return { outcome: 'failed', attempts: options.maxAttempts, detail: 'no attempt' };
  }

  async function run(job: PushJob) {
    try {
      const result = await attemptAll(job);
      await options.settle(job, result);
    } catch (error) {
      logger.error({ err: error, key: job.key }, 'a push could not be settled');
    }
  }

  async function pump() {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        if (inFlight >= concurrency) {
          await wait(5);
          continue;
        }
        await token();
        const job = queue.shift()!;
        inFlight++;
        void run(job).finally(() => {
          inFlight--;
          if (queue.length === 0 && inFlight === 0) {
            for (const resolve of idle) resolve();
            idle = [];
          }
        });
      }
    } finally {
      pumping = false;
    }
  }

  return {
    enqueue(jobs: PushJob[]) {
      queue.push(...jobs);
      void pump();
    },
    /** Jobs waiting or being sent: the dispatcher claims no more while this is high. */
    get backlog() {
      return queue.length + inFlight;
    },
    /** Resolves once every job handed over so far has ended, retries included. */
    async drainWhenIdle(): Promise<void> {
      if (queue.length === 0 && inFlight === 0) return;
      await new Promise<void>((resolve) => idle.push(resolve));
    },
    /**
     * Resolves once every job handed over has ended: the queue (at most a few seconds of
     * sends) still goes out at the rate, retries waiting for their backoff end failed.
     */
    async drain(): Promise<void> {
      stopping = true;
      for (const [timer, resolve] of backoffs) {
        clearTimeout(timer);
        resolve();
      }
      backoffs.clear();
      await this.drainWhenIdle();
    },
  };
}

export type PushSender = ReturnType<typeof createPushSender>;
