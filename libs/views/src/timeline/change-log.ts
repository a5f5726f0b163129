import type { ChangeFrame, SyncResult } from '@chat/protocol';
import { sightOf } from '@chat/domain';
import { types, type Client } from 'cassandra-driver';
import { changeBucketOf, type TimelineTables } from './timeline-tables';
import { TimelineStore, toLong, type TimelineItem } from './timeline-store';
import { itemAsOf, needsRevisions, seenThrough, type StoredItem } from './item-visibility';
import {
  changeFrameOf,
  spanAt,
  type ChangeKind,
  type MemberSpan,
  type StoredChange,
} from './stored-change';

type Row = types.Row;
const PREPARED = { prepare: true } as const;
/** Change rows read per query. */
const CHANGE_PAGE = 500;

const toNumber = (value: types.Long | number | null | undefined) =>
  value === null || value === undefined ? null : Number(value.toString());

function toStoredChange(row: Row): StoredChange {
  return {
    conversationId: row.conversation_id,
    cs: toNumber(row.cs)!,
    offset: BigInt(row.offset.toString()),
    kind: row.kind as ChangeKind,
    eventType: row.event_type,
    seq: toNumber(row.seq),
    userId: row.user_id ?? null,
    emoji: row.emoji ?? null,
    present: row.present ?? null,
    receipt: row.receipt ?? null,
    upToSeq: toNumber(row.up_to_seq),
    deviceId: row.device_id ?? null,
  };
}

function toSpan(row: Row): MemberSpan {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    joinedSeq: toNumber(row.joined_seq)!,
    joinedCs: toNumber(row.joined_cs)!,
    leftCs: toNumber(row.left_cs),
  };
}

/**
 * Reads of a timeline version's change log and membership spans: what resume, `sync` and a
 * projector republishing after a crash read, all from the one store the changes are in.
 */
export class ChangeLog {
  readonly timeline: TimelineStore;

  constructor(
    private readonly cassandra: Client,
    readonly tables: TimelineTables,
  ) {
    this.timeline = new TimelineStore(cassandra, tables);
  }

  /** Changes with cs in [fromCs, toCs], oldest first, at most `limit`. */
  async changes(
    conversationId: string,
    fromCs: number,
    toCs: number,
    limit: number,
  ): Promise<StoredChange[]> {
    const found: StoredChange[] = [];
    for (
      let bucket = changeBucketOf(fromCs);
      bucket <= changeBucketOf(toCs) && found.length < limit;
      bucket++
    ) {
      const result = await this.cassandra.execute(
        `SELECT * FROM ${this.tables.changes}
         WHERE conversation_id = ? AND bucket = ? AND cs >= ? AND cs <= ? LIMIT ?`,
        [conversationId, bucket, toLong(fromCs), toLong(toCs), limit - found.length],
        PREPARED,
      );
      found.push(...result.rows.map(toStoredChange));
    }
    return found;
  }

  /**
   * The changes of events at offsets from `fromOffset` on, oldest first, read backwards from
   * the conversation's last cs: the changes a replay of those events would have published.
   */
  async changesFromOffset(
    conversationId: string,
    lastCs: number,
    fromOffset: bigint,
  ): Promise<StoredChange[]> {
    const found: StoredChange[] = [];
    let below = lastCs + 1;
    for (let bucket = changeBucketOf(lastCs); bucket >= 0 && below > 1;) {
      const result = await this.cassandra.execute(
        `SELECT * FROM ${this.tables.changes}
         WHERE conversation_id = ? AND bucket = ? AND cs < ? ORDER BY cs DESC LIMIT ?`,
        [conversationId, bucket, toLong(below), CHANGE_PAGE],
        PREPARED,
      );
      const rows = result.rows.map(toStoredChange);
      for (const change of rows) {
        if (change.offset < fromOffset) return found.reverse();
        found.push(change);
        below = change.cs;
      }
      if (rows.length < CHANGE_PAGE) bucket--;
    }
    return found.reverse();
  }

  /**
   * What `userId` may see after `afterCs`, oldest first, at most `limit` frames: authorized
   * and read at one position, the conversation's last cs as its state row says (written
   * after every row it accounts for), with the user's membership spans as of that position.
   * `null` when the user has no span after `afterCs`: nothing to see, not a member.
   */
  async after(
    userId: string,
    conversationId: string,
    afterCs: number,
    limit: number,
  ): Promise<SyncResult | null> {
    const reader = await this.reader(userId, conversationId);
    if (!reader) return null;
    const { position, spans } = reader;
    // Stretches of the log the user was a member in, after the cursor.
    const ranges = spans
      .map((span) => [Math.max(afterCs + 1, span.joinedCs), span.leftCs ?? position] as const)
      .filter(([from, to]) => from <= to);
    if (ranges.length === 0) {
      const member = spans.some((span) => span.leftCs === null);
      return member ? { changes: [], throughCs: Math.max(afterCs, position), more: false } : null;
    }
    const changes: StoredChange[] = [];
    let throughCs = afterCs;
    let full = false;
    for (const [from, to] of ranges) {
      changes.push(...(await this.changes(conversationId, from, to, limit - changes.length)));
      if (changes.length >= limit) {
        throughCs = changes.at(-1)!.cs;
        full = true;
        break;
      }
      throughCs = to;
    }
    const more = full && throughCs < ranges.at(-1)![1];
    // Past the last range nothing is visible up to the position: complete through it.
    if (!more) throughCs = Math.max(throughCs, position);
    return {
      changes: await this.framesSeenBy(conversationId, spans, position, changes),
      throughCs,
      more,
    };
  }

  /**
   * A reader's spans as of one position, the conversation's last cs as its state row says:
   * what every read of the timeline decides what the reader sees by. `null` for a conversation
   * the timeline does not have.
   */
  async reader(
    userId: string,
    conversationId: string,
  ): Promise<{ position: number; spans: MemberSpan[] } | null> {
    const stored = (await this.timeline.conversations([conversationId])).get(conversationId);
    if (!stored) return null;
    const position = stored.state.lastCs;
    const spans = (await this.spans(conversationId, userId))
      .filter((span) => span.joinedCs <= position)
      .map((span) =>
        span.leftCs !== null && span.leftCs > position ? { ...span, leftCs: null } : span,
      );
    return { position, spans };
  }

  /**
   * Items as a reader with `spans`, reading at `position`, may see them (itemSeenBy, each at
   * the change that made it); those they may not see are left out.
   */
  async itemsSeenBy(
    conversationId: string,
    reader: { position: number; spans: readonly MemberSpan[] },
    items: readonly StoredItem[],
  ): Promise<TimelineItem[]> {
    const shown = items.flatMap((stored) => {
      // Rows from before items kept their cs: shown as they are, as they always were.
      if (stored.cs === null) return [{ stored, through: reader.position }];
      const through = seenThrough(reader.spans, stored.cs, reader.position);
      return through === undefined ? [] : [{ stored, through }];
    });
    const revisions = new Map(
      await Promise.all(
        shown
          .filter(({ stored, through }) => needsRevisions(stored, through))
          .map(
            async ({ stored, through }) =>
              [
                stored.item.seq,
                await this.timeline.revisions(conversationId, stored.item.seq, through),
              ] as const,
          ),
      ),
    );
    return shown.map(({ stored, through }) =>
      itemAsOf(stored, revisions.get(stored.item.seq) ?? [], through),
    );
  }

  /**
   * Where a device without a cursor resumes a conversation: before the change of the first
   * item after `readSeq` (everything after it is unread), or at the position when all is
   * read. `null` when the user is not a member now (a removal reaches only a device that had
   * a cursor).
   */
  async resumeStart(
    userId: string,
    conversationId: string,
    readSeq: number | undefined,
  ): Promise<number | null> {
    const stored = (await this.timeline.conversations([conversationId])).get(conversationId);
    if (!stored) return null;
    const open = (await this.spans(conversationId, userId)).find(
      (span) => span.leftCs === null && span.joinedCs <= stored.state.lastCs,
    );
    if (!open) return null;
    // The inbox may not know the member yet: then everything since they joined.
    if (readSeq === undefined || readSeq < open.joinedSeq) return open.joinedCs - 1;
    if (readSeq >= stored.state.lastSeq) return stored.state.lastCs;
    const cs = await this.timeline.csOfItem(conversationId, readSeq + 1);
    return cs === null ? open.joinedCs - 1 : cs - 1;
  }

  /** Membership spans of a conversation (of one user, if given), oldest join first. */
  async spans(conversationId: string, userId?: string): Promise<MemberSpan[]> {
    const result = await this.cassandra.execute(
      userId === undefined
        ? `SELECT * FROM ${this.tables.memberSpans} WHERE conversation_id = ?`
        : `SELECT * FROM ${this.tables.memberSpans} WHERE conversation_id = ? AND user_id = ?`,
      userId === undefined ? [conversationId] : [conversationId, userId],
      { ...PREPARED, fetchSize: 10_000 },
    );
    return result.rows.map(toSpan).sort((a, b) => a.joinedCs - b.joinedCs);
  }

  /**
   * The conversations a user ever was a member of, by conversation id after `after`: a keyset
   * that new messages cannot reorder, so a walk over it visits every conversation once.
   */
  async conversationsOf(
    userId: string,
    options: { after?: string; limit: number },
  ): Promise<{ conversationIds: string[]; next: string | null }> {
    const result = await this.cassandra.execute(
      `SELECT conversation_id FROM ${this.tables.userSpans}
       WHERE user_id = ? AND conversation_id > ? LIMIT ?`,
      [userId, options.after ?? '', options.limit],
      PREPARED,
    );
    const ids = [...new Set(result.rows.map((row) => row.conversation_id as string))];
    const full = result.rows.length === options.limit;
    return { conversationIds: ids, next: full ? ids.at(-1)! : null };
  }

  /**
   * What a reader with `spans`, reading at `position`, gets of stored changes: for each, its
   * frame with the item as that reader may see it (itemSeenBy), a skip, or nothing.
   */
  async framesSeenBy(
    conversationId: string,
    spans: readonly MemberSpan[],
    position: number,
    changes: readonly StoredChange[],
  ): Promise<ChangeFrame[]> {
    const sights = changes.map((change) => ({
      change,
      sight: sightOf(spanAt(spans, change.cs), {
        eventType: change.eventType,
        targetSeq: change.seq,
      }),
    }));
    const shown = sights.filter((s) => s.sight === 'change').map((s) => s.change);
    const frames = await this.framesAt(
      conversationId,
      shown.map((change) => ({ change, through: seenThrough(spans, change.cs, position)! })),
    );
    let next = 0;
    return sights.flatMap(({ change, sight }): ChangeFrame[] => {
      if (sight === 'none') return [];
      if (sight === 'skip') return [{ type: 'skip', conversationId, cs: change.cs }];
      return [frames[next++]!];
    });
  }

  /**
   * The frames of stored changes, each with its item as of its `through` cs (itemAsOf): the
   * items read once, and the revisions only of items changed since a `through`.
   */
  async framesAt(
    conversationId: string,
    wanted: ReadonlyArray<{ change: StoredChange; through: number }>,
  ): Promise<ChangeFrame[]> {
    const items = await this.storedItems(
      conversationId,
      wanted.flatMap(({ change }) => (change.seq === null ? [] : [change.seq])),
    );
    // Per item, the revisions up to the latest cs any wanted frame shows it at.
    const reach = new Map<number, number>();
    for (const { change, through } of wanted) {
      const stored = change.seq === null ? undefined : items.get(change.seq);
      if (stored && needsRevisions(stored, through)) {
        reach.set(stored.item.seq, Math.max(reach.get(stored.item.seq) ?? 0, through));
      }
    }
    const revisions = new Map(
      await Promise.all(
        [...reach].map(
          async ([seq, through]) =>
            [seq, await this.timeline.revisions(conversationId, seq, through)] as const,
        ),
      ),
    );
    return wanted.map(({ change, through }) => {
      const stored = change.seq === null ? undefined : items.get(change.seq);
      const item = stored ? itemAsOf(stored, revisions.get(stored.item.seq) ?? [], through) : null;
      return changeFrameOf(change, item);
    });
  }

  /** Items as stored, by seq; those not found are left out. */
  async storedItems(
    conversationId: string,
    seqs: Iterable<number>,
  ): Promise<Map<number, StoredItem>> {
    const wanted = [...new Set(seqs)].sort((a, b) => a - b);
    const found = new Map<number, StoredItem>();
    if (wanted.length === 0) return found;
    const [first, last] = [wanted[0]!, wanted.at(-1)!];
    // Mostly new items in a row: one range read; scattered targets: one read each.
    const items =
      last - first + 1 <= 2 * wanted.length
        ? await this.timeline.storedRange(conversationId, first, last)
        : (
            await Promise.all(wanted.map((seq) => this.timeline.storedItem(conversationId, seq)))
          ).flatMap((item) => item ?? []);
    for (const item of items) found.set(item.item.seq, item);
    return found;
  }
}
