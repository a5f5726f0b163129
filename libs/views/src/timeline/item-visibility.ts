import { reactionsByEmoji, withReaction } from '@chat/domain';
import type { WireItem } from '@chat/protocol';

/**
 * What a reader may see of a timeline item, as a pure function of their membership spans.
 *
 * Outside their spans a member learns nothing new. A change a reader may see (one at a cs inside
 * one of their spans) shows its item as it was at the end of that span: at the reader's read
 * position while the span is open, at the change that removed them once it is closed. Edits and
 * reactions after that are not theirs to see; a delete for everyone reaches every copy (it
 * reveals nothing, and the content is gone for all).
 */

/** One stretch of a reader's membership, by cs: from the change that added them to the one that removed them. */
export interface SpanBounds {
  joinedCs: number;
  /** The cs of the change that removed them; null while they are a member. */
  leftCs: number | null;
}

/** A change to an item that later readers may have to see undone: an edit or a reaction. */
export type ItemRevision =
  | {
      kind: 'edit';
      seq: number;
      cs: number;
      body: string | null;
      ciphertext: WireItem['ciphertext'];
      editedAt: string;
    }
  | { kind: 'reaction'; seq: number; cs: number; emoji: string; userId: string; present: boolean };

/** An item as stored: what readers get now, plus what folding it back to a cs needs. */
export interface StoredItem {
  /** The item as it is now. */
  item: WireItem;
  /** The cs of the change that made the item; null in rows written before items kept it. */
  cs: number | null;
  /** The cs of the newest edit or reaction; null when there was none. */
  revisedCs: number | null;
  /** The content as sent, before any edit. */
  sent: { body: string | null; ciphertext: WireItem['ciphertext'] };
}

/**
 * The cs through which a reader sees what a change at `cs` shows: the end of the span covering
 * it, or `position` (the newest cs read) while that span is open. `undefined`: no span covers
 * the change, so the reader may not see it at all.
 */
export function seenThrough(
  spans: readonly SpanBounds[],
  cs: number,
  position: number,
): number | undefined {
  const span = spans.find((s) => s.joinedCs <= cs && (s.leftCs === null || cs <= s.leftCs));
  if (!span || cs > position) return undefined;
  return span.leftCs === null ? position : Math.min(span.leftCs, position);
}

/** Whether showing `stored` as of `throughCs` needs its revisions (older than the item now). */
export const needsRevisions = (stored: StoredItem, throughCs: number) =>
  !stored.item.deleted && stored.revisedCs !== null && stored.revisedCs > throughCs;

/**
 * The item as it was once the changes with cs up to `throughCs` were applied: the last edit by
 * then (or the content as sent), and the reactions folded in cs order, one per member (see
 * withReaction). `revisions` are the
 * item's edits and reactions; only those up to `throughCs` count. A deleted item stays deleted:
 * a delete for everyone applies to every copy.
 */
export function itemAsOf(
  stored: StoredItem,
  revisions: readonly ItemRevision[],
  throughCs: number,
): WireItem {
  if (!needsRevisions(stored, throughCs)) return stored.item;
  const seen = revisions
    .filter((r) => r.seq === stored.item.seq && r.cs <= throughCs)
    .sort((a, b) => a.cs - b.cs);
  let content = { ...stored.sent, editedAt: null as string | null };
  let reactions: ReadonlyMap<string, string> = new Map();
  for (const revision of seen) {
    if (revision.kind === 'edit') {
      content = {
        body: revision.body,
        ciphertext: revision.ciphertext,
        editedAt: revision.editedAt,
      };
    } else {
      reactions = withReaction(reactions, revision);
    }
  }
  return { ...stored.item, ...content, reactions: reactionsByEmoji(reactions) };
}

/**
 * What a reader with `spans`, reading at `position`, sees of an item shown for a change at
 * `cs` (its own making, for a page of history): the item as of the end of the span covering
 * that change, or null when no span covers it.
 */
export function itemSeenBy(
  spans: readonly SpanBounds[],
  position: number,
  cs: number,
  stored: StoredItem,
  revisions: readonly ItemRevision[],
): WireItem | null {
  const through = seenThrough(spans, cs, position);
  return through === undefined ? null : itemAsOf(stored, revisions, through);
}
