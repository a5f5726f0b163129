import type { ChangeFrame, SyncResult } from './wire';

/** What the ordering needs from its client. */
export interface ChangeOrderDeps {
  /** Asks the server for the changes after `afterCs` (a `sync` request). */
  sync(conversationId: string, afterCs: number): Promise<SyncResult>;
  /** Hands one change on, in order; `untrack` when it was the current user's own removal. */
  apply(change: ChangeFrame): 'continue' | 'untrack';
  /** A gap was closed: the changes after `afterCs` through `throughCs` were fetched. */
  repaired(conversationId: string, afterCs: number, throughCs: number): void;
  /** A repair attempt failed; it is tried again after `retryDelayMs`. */
  failed(conversationId: string, error: unknown): void;
  /** The wait before the next attempt, after `failures` in a row (the last one `error`). */
  retryDelayMs(failures: number, error?: unknown): number;
  /** Waits, or rejects once the client is closed. */
  wait(ms: number): Promise<void>;
}

interface Track {
  cursor: number;
  /** Changes past a gap, by cs, waiting for the repair to reach them. */
  readonly waiting: Map<number, ChangeFrame>;
  repairing: boolean;
  untracked: boolean;
  /** The server has more after the cursor than it sent (a resume that stopped at its limit). */
  behind: boolean;
  /** Called once the repair ends: nothing waits and nothing is behind (or it was dropped). */
  readonly settled: Array<() => void>;
}

/**
 * Puts each conversation's changes in cs order, exactly once, without ever waiting inside
 * the handling of a frame: the next change (cs = cursor + 1) is applied at once, a duplicate
 * (cs <= cursor) is dropped, and a change past a gap waits while the gap is repaired with
 * `sync` beside the frame flow, so the answer to that `sync` (and every other answer) is never
 * queued behind it. When the repair (or a resume, or a live frame) fills the gap, what waited
 * is released in cs order. A conversation is tracked from its first change (or a saved
 * cursor) to the change that removed the current user. A conversation the server says it has
 * more of (`catchUp`) is paged the same way, with nothing waiting, until a page says no more.
 */
export class ChangeOrder {
  private readonly tracks = new Map<string, Track>();

  constructor(
    cursors: Record<string, number>,
    private readonly deps: ChangeOrderDeps,
  ) {
    for (const [conversationId, cs] of Object.entries(cursors)) {
      this.tracks.set(conversationId, newTrack(cs));
    }
  }

  /** The last cs applied per tracked conversation: what `hello` sends to resume. */
  cursors(): Record<string, number> {
    return Object.fromEntries([...this.tracks].map(([id, track]) => [id, track.cursor]));
  }

  offer(change: ChangeFrame): void {
    if (change.cs === undefined) {
      // Group receipts: the reader's own devices only, outside the conversation's cs.
      this.deps.apply(change);
      return;
    }
    const { conversationId, cs } = change;
    let track = this.tracks.get(conversationId);
    if (!track) {
      // A conversation seen for the first time (or again after a removal) starts here.
      track = newTrack(cs - 1);
      this.tracks.set(conversationId, track);
    }
    if (cs <= track.cursor) return;
    if (cs === track.cursor + 1) {
      this.applyNext(conversationId, track, change);
      this.release(conversationId, track);
      return;
    }
    if (!track.waiting.has(cs)) track.waiting.set(cs, change);
    if (!track.repairing) void this.repair(conversationId, track);
  }

  /**
   * Pages a conversation with `sync` until the server has nothing more after the cursor;
   * resolves then (or once the conversation is dropped, or the client closed).
   */
  catchUp(conversationId: string): Promise<void> {
    const current = this.tracks.get(conversationId);
    // Not tracked: the resume sent none of it (or it removed the user), so there is no cursor
    // to page from and nothing this device may see.
    if (!current) return Promise.resolve();
    current.behind = true;
    const settled = new Promise<void>((resolve) => current.settled.push(resolve));
    if (!current.repairing) void this.repair(conversationId, current);
    return settled;
  }

  private applyNext(conversationId: string, track: Track, change: ChangeFrame): void {
    track.cursor = change.cs!;
    if (this.deps.apply(change) === 'untrack') {
      track.untracked = true;
      track.waiting.clear();
      if (this.tracks.get(conversationId) === track) this.tracks.delete(conversationId);
    }
  }

  /** Applies what waited and is now next; forgets what is now a duplicate. */
  private release(conversationId: string, track: Track): void {
    for (;;) {
      if (track.untracked) return;
      const next = track.waiting.get(track.cursor + 1);
      if (!next) break;
      track.waiting.delete(track.cursor + 1);
      this.applyNext(conversationId, track, next);
    }
    for (const cs of track.waiting.keys()) if (cs <= track.cursor) track.waiting.delete(cs);
  }

  /**
   * Syncs after the cursor until nothing waits past a gap and the server has nothing more (or
   * the conversation is dropped).
   */
  private async repair(conversationId: string, track: Track): Promise<void> {
    track.repairing = true;
    const from = track.cursor;
    let failures = 0;
    try {
      while (!track.untracked && (track.waiting.size > 0 || track.behind)) {
        const afterCs = track.cursor;
        let page: SyncResult;
        try {
          page = await this.deps.sync(conversationId, afterCs);
        } catch (error) {
          if (track.untracked) return;
          this.deps.failed(conversationId, error);
          await this.deps.wait(this.deps.retryDelayMs(++failures, error));
          continue;
        }
        for (const change of page.changes) {
          if (track.untracked) return;
          if (change.cs !== undefined && change.cs > track.cursor) {
            this.applyNext(conversationId, track, change);
          }
        }
        if (track.untracked) return;
        // The server is complete through throughCs even where the last change it showed is older.
        track.cursor = Math.max(track.cursor, page.throughCs);
        if (!page.more) track.behind = false;
        this.release(conversationId, track);
        if (!page.more && track.cursor === afterCs && track.waiting.size > 0) {
          // Nothing new yet (the store may lag the live frame): try again a little later.
          await this.deps.wait(this.deps.retryDelayMs(++failures));
        }
      }
      if (!track.untracked && track.cursor > from) {
        this.deps.repaired(conversationId, from, track.cursor);
      }
    } catch {
      // The client closed while waiting to retry: nothing more to do.
    } finally {
      track.repairing = false;
      track.behind = false;
      for (const settle of track.settled.splice(0)) settle();
    }
  }
}

function newTrack(cursor: number): Track {
  return {
    cursor,
    waiting: new Map(),
    repairing: false,
    untracked: false,
    behind: false,
    settled: [],
  };
}
