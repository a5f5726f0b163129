import type { Logger } from '@chat/observability';
import { CLOSE_CODES, type ChangeFrame, type ServerFrame } from '@chat/protocol';
import { ViewError, type ChatQueries, type LiveChange } from '@chat/views';
import { encodedChange } from './encoded-change';

/** Where a change stream's frames go: its session, as far as the stream needs to know it. */
export interface ChangeSink {
  readonly isOpen: boolean;
  /** A frame, or a live change's frame already encoded once for every session it goes to. */
  send(frame: ServerFrame | Buffer): void;
  close(code: number, reason: string): void;
}

/** The reads a change stream makes: the user's conversations, where to start, the changes. */
export type ChangeReads = Pick<ChatQueries, 'conversationsOf' | 'resumeStarts' | 'changesAfter'>;

/** Changes per conversation sent on resume; past this the client pages with `sync`. */
const RESUME_LIMIT = 1000;
/** Conversations per page of the walk over the user's conversations on resume. */
const RESUME_PAGE = 200;
/** Changes per read of the timeline. */
const CHANGES_PAGE = 200;
/** Queued deliveries before a session is closed as a slow consumer. */
const MAX_QUEUED = 10_000;

/**
 * The changes one session sends its client, each cs at most once and in cs order. On resume it
 * sends every change the client missed (per conversation, after the client's cs cursor, or
 * after its read position where it has none), walking the user's conversations by id so that
 * none is passed over, then live changes: those arriving meanwhile wait in the queue, and any
 * change at or below the cs already sent is dropped, so the seam has neither gap nor
 * duplicate. A live change that skips a cs (a missed publication) is preceded by the missing
 * ones, read from the timeline.
 */
export class ChangeStream {
  /** Per conversation, the cs the client has everything through. */
  private readonly sentCs = new Map<string, number>();
  /** Resume and deliveries, one after the other. */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    private readonly sink: ChangeSink,
    private readonly userId: string,
    private readonly reads: ChangeReads,
    private readonly logger: Logger,
  ) {}

  /** Sends what the client missed, then `synced`; live changes queued meanwhile follow. */
  resume(cursors: Record<string, number>): void {
    this.enqueue(() => this.sendMissedEverywhere(cursors));
  }

  /** A change projected in a conversation this user may see. */
  deliver(conversationId: string, change: LiveChange): void {
    // Before hello nothing is sent: the resume that follows reads it from the timeline.
    if (!this.sink.isOpen) return;
    if (++this.queued > MAX_QUEUED) {
      this.sink.close(CLOSE_CODES.slowConsumer, 'too far behind: reconnect and resume');
      return;
    }
    this.enqueue(async () => {
      this.queued--;
      await this.sendLive(conversationId, change);
    });
  }

  /** What the client missed, conversation by conversation, oldest first. */
  private async sendMissedEverywhere(cursors: Record<string, number>): Promise<void> {
    let conversations = 0;
    let changes = 0;
    const more: string[] = [];
    let after: string | undefined;
    // What the client has is never sent again, even where the walk does not reach it.
    for (const [conversationId, cs] of Object.entries(cursors)) this.sentCs.set(conversationId, cs);
    do {
      const page = await this.reads.conversationsOf(this.userId, { limit: RESUME_PAGE, after });
      const starts = await this.reads.resumeStarts(
        this.userId,
        page.conversationIds.filter((id) => cursors[id] === undefined),
      );
      for (const conversationId of page.conversationIds) {
        if (!this.sink.isOpen) return;
        const from = cursors[conversationId] ?? starts.get(conversationId);
        // No cursor and no longer a member: nothing to tell this device.
        if (from === undefined || from === null) continue;
        if (!this.sentCs.has(conversationId)) this.sentCs.set(conversationId, from);
        const missed = await this.sendMissed(conversationId, Number.MAX_SAFE_INTEGER, RESUME_LIMIT);
        if (missed.sent > 0) conversations++;
        changes += missed.sent;
        // Stopped at the limit: without being told, a device would wait for a live change to
        // show it the rest exists, and none may come.
        if (missed.more) more.push(conversationId);
      }
      after = page.next ?? undefined;
    } while (after);
    this.sink.send({ type: 'synced', conversations, changes, more });
  }

  /**
   * Sends the changes after what was sent, up to cs `toCs`, at most `max` frames: how many it
   * sent, and whether it stopped at `max` with more to send.
   */
  private async sendMissed(
    conversationId: string,
    toCs: number,
    max: number,
  ): Promise<{ sent: number; more: boolean }> {
    let sent = 0;
    for (;;) {
      if (!this.sink.isOpen) return { sent, more: false };
      if (sent >= max) return { sent, more: true };
      const afterCs = this.sentCs.get(conversationId) ?? 0;
      if (afterCs >= toCs) return { sent, more: false };
      let page;
      try {
        page = await this.reads.changesAfter(this.userId, conversationId, afterCs, {
          limit: Math.min(CHANGES_PAGE, max - sent),
        });
      } catch (error) {
        // A removal at the cursor: the device has everything it may see.
        if (error instanceof ViewError && error.code === 'not-a-member')
          return { sent, more: false };
        throw error;
      }
      for (const frame of page.changes) {
        if (frame.cs! > toCs) break;
        this.sendChange(frame);
        sent++;
      }
      const through = Math.min(page.throughCs, toCs);
      if (through > (this.sentCs.get(conversationId) ?? 0))
        this.sentCs.set(conversationId, through);
      if (!page.more) return { sent, more: false };
    }
  }

  private async sendLive(conversationId: string, change: LiveChange): Promise<void> {
    if (!this.sink.isOpen) return;
    const frame = { ...change, conversationId } as ChangeFrame;
    const encoded = () => encodedChange(frame, change);
    // Group receipts have no cs: own-device signals, neither ordered nor repaired.
    if (frame.cs === undefined) return this.sink.send(encoded());
    const sent = this.sentCs.get(conversationId);
    if (sent !== undefined && frame.cs > sent + 1) {
      // A publication was missed: what lies between is in the timeline already.
      await this.sendMissed(conversationId, frame.cs - 1, Number.MAX_SAFE_INTEGER).catch(
        (error: unknown) =>
          this.logger.warn({ err: error }, 'gap repair failed; the client will sync'),
      );
    }
    this.sendChange(frame, encoded);
  }

  /** The one place a change frame goes out: at most once per cs, in cs order. */
  private sendChange(frame: ChangeFrame, encoded?: () => Buffer): void {
    const sent = this.sentCs.get(frame.conversationId);
    if (frame.cs !== undefined) {
      if (sent !== undefined && frame.cs <= sent) return;
      this.sentCs.set(frame.conversationId, frame.cs);
    }
    this.sink.send(encoded ? encoded() : frame);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.logger.warn({ err: error, userId: this.userId }, 'delivery failed');
    });
  }
}
