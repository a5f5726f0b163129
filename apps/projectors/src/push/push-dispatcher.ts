import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Config } from '@chat/config';
import type { ChatEvent } from '@chat/events';
import type { Logger } from '@chat/observability';
import { lastAliveOf } from './device-presence';
import { GoneSubscriptions } from './gone-subscriptions';
import {
  decideRound,
  judgedByInbox,
  jobFor,
  ledgerKey,
  messageKey,
  withoutRefusedPreviews,
  type DueMessage,
} from './push-dispatch-decisions';
import { PushDispatchStore } from './push-dispatch-store';
import { pushMetrics } from './push-metrics';
import type { PushProvider } from './push-provider';
import { createPushSender, type PushJob, type PushResult } from './push-sender';

export interface PushDispatcherOptions {
  pool: Pool;
  /** Reads the presence view. */
  redis: Redis;
  /** Appends PushSubscriptionRemoved when a push service says a subscription is gone. */
  log: { append(events: ChatEvent[]): Promise<void> };
  provider: PushProvider;
  /** The push projection version whose pending rows and subscriptions this works off. */
  version: number;
  settings: Config['push'];
  logger: Logger;
  /** How often to look for due messages. */
  pollMs?: number;
  /** Messages decided per transaction. */
  batchSize?: number;
}

/** How often the ledger forgets decisions no replay can ask about again. */
const PRUNE_EVERY_MS = 60_000;
/** Over the maximum age: room for clocks of the command API and Postgres to differ. */
const PRUNE_MARGIN_MS = 3600_000;

/**
 * The notifier's loop: takes messages that are due (sent at + window) from its version's
 * pending rows (FOR UPDATE SKIP LOCKED, so every projector instance takes its own share),
 * and once the inbox has judged each one (its position passed the send's offset) decides per
 * recipient device with the pure `pushVerdict`, over the inbox (membership, seq, delivered
 * seq per device, unread for the badge), the presence view and its own mutes.
 *
 * Sent once: every decision is claimed in the shared ledger, keyed by (message, device),
 * with INSERT ... ON CONFLICT DO NOTHING in the same transaction that deletes the pending
 * rows. Only a claim this transaction made is sent, and only after it committed. A crash
 * before the commit leaves no claim (the rows come back; nothing was sent); a crash after it
 * leaves claims that are never sent again: at most once per (message, device), and a rebuild
 * or a second version finds the same ledger.
 */
export class PushDispatcher {
  private readonly pollMs: number;
  private readonly batchSize: number;
  /**
   * Pushes claimed but not sent yet, at most: about a second of sending. A kill -9 loses these
   * (never sends them twice), so the bound is what a crash can cost.
   */
  private readonly highWater: number;
  private readonly ledger: PushDispatchStore;
  private readonly gone: GoneSubscriptions;
  private readonly sender: ReturnType<typeof createPushSender>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private prunedAt = 0;

  constructor(private readonly options: PushDispatcherOptions) {
    const { settings, logger } = options;
    this.pollMs = options.pollMs ?? 200;
    this.batchSize = options.batchSize ?? 100;
    this.highWater = Math.max(10, Math.ceil(settings.ratePerSecond));
    this.ledger = new PushDispatchStore(options.pool, options.version);
    this.gone = new GoneSubscriptions(options.log, logger);
    this.sender = createPushSender({
      provider: options.provider,
      ratePerSecond: settings.ratePerSecond,
      maxAttempts: settings.maxAttempts,
      retryBaseMs: settings.retryBaseMs,
      policy: settings,
      logger,
      settle: (job, result) => this.settle(job, result),
    });
  }

  start(): void {
    this.schedule();
  }

  /** Pushes claimed and not sent yet. */
  get backlog(): number {
    return this.sender.backlog;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.sender.drain();
  }

  /** Decides every due message it can (while the send queue has room), then hands over. */
  async tick(): Promise<number> {
    await this.prune(Date.now());
    let decided = 0;
    while (!this.stopped) {
      const room = this.highWater - this.sender.backlog;
      if (room <= 0) break;
      const round = await this.decideDue(Date.now(), room);
      this.sender.enqueue(round.jobs);
      decided += round.decided;
      // Nothing moved (every due message still waits for the inbox): wait for the next poll.
      if (!round.more || (round.decided === 0 && round.jobs.length === 0)) break;
    }
    return decided;
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error }, 'push dispatch failed; retrying'),
        )
        .finally(() => this.schedule());
    }, this.pollMs);
  }

  /** One transaction: due rows in, decisions claimed, pending rows out. Returns the sends. */
  private async decideDue(
    now: number,
    room: number,
  ): Promise<{ decided: number; more: boolean; jobs: PushJob[] }> {
    const { settings } = this.options;
    return PushDispatchStore.transaction(this.options.pool, this.options.version, async (db) => {
      // Too old for anyone (a backlog after an outage, a rebuild's history): gone unread.
      const stale = await db.deleteStale(now - settings.maxAgeMs);
      pushMetrics.pushes.inc({ outcome: 'skipped_stale' }, stale);
      const due = await db.takeDue(now - settings.windowMs, this.batchSize);
      if (due.length === 0) return { decided: 0, more: false, jobs: [] };
      const judged = await this.judged(db, due);
      const devices = await db.recipientDevices(judged);
      const presence = await db.presenceVersion();
      const users = [...new Set(devices.map((device) => device.user_id))];
      const alive =
        presence === undefined
          ? new Map<string, number>()
          : await lastAliveOf(this.options.redis, presence, users);
      const round = decideRound({
        messages: judged,
        devices,
        alive,
        room,
        now,
        maxAgeMs: settings.maxAgeMs,
      });
      const claimed = await db.claim(round.decided);
      await db.deletePending(round.done);
      return {
        decided: round.done.length,
        more: round.deferred.size > 0 || due.length === this.batchSize,
        // Sent only once the transaction committed: the claims are what makes them once.
        jobs: this.sendsClaimed(round.decided, claimed, judged),
      };
    });
  }

  /** The due messages the inbox has judged, each with a preview the rules allowed. */
  private async judged(db: PushDispatchStore, due: DueMessage[]): Promise<DueMessage[]> {
    const progress = await db.inboxProgress();
    if (!progress) return [];
    const judged = judgedByInbox(due, progress);
    const edited = judged.filter((row) => row.preview_offset !== null);
    const refused = await db.ignoredEdits(progress.inboxVersion, edited);
    return withoutRefusedPreviews(judged, refused);
  }

  /** The jobs for the pushes this round claimed first; the skips it claimed are counted. */
  private sendsClaimed(
    decided: ReturnType<typeof decideRound>['decided'],
    claimed: Set<string>,
    messages: DueMessage[],
  ): PushJob[] {
    const byMessage = new Map(messages.map((row) => [messageKey(row), row]));
    const jobs: PushJob[] = [];
    for (const { device, verdict } of decided) {
      if (!claimed.has(ledgerKey(device))) continue; // decided before: by us or a rebuild
      if (verdict !== 'push') {
        pushMetrics.pushes.inc({ outcome: verdict });
        continue;
      }
      jobs.push(jobFor(device, byMessage.get(messageKey(device))!, this.options.settings.windowMs));
    }
    return jobs;
  }

  private async settle(job: PushJob, result: PushResult) {
    pushMetrics.pushes.inc({ outcome: result.outcome });
    if (result.outcome === 'sent') {
      pushMetrics.decisionSeconds.observe(Math.max(0, Date.now() - job.dueAt) / 1000);
    }
    if (result.outcome === 'gone') await this.gone.report(job.subscription);
    await this.ledger.recordOutcome(job, result);
  }

  /**
   * A decision older than the maximum age (and a margin) is about a message no replay or
   * rebuild will push again: its pending row would be stale. So the ledger keeps no more
   * than that, and stays small however long the log grows.
   */
  private async prune(now: number) {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    await this.ledger.forgetDecisions(this.options.settings.maxAgeMs + PRUNE_MARGIN_MS);
  }
}

/** The dispatcher of one push version (see PushDispatcher). */
export const createPushDispatcher = (options: PushDispatcherOptions) => new PushDispatcher(options);
