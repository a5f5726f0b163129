import type { ChangeFrame } from '@chat/protocol';
import type { TimelineItem } from './timeline-store';

/** The kinds of change a change log keeps: the frame types that carry a cs, bar `skip`. */
export const CHANGE_KINDS = {
  message: 'message',
  membership: 'membership',
  edit: 'edit',
  delete: 'delete',
  reaction: 'reaction',
  receipt: 'receipt',
} as const;

export type ChangeKind = (typeof CHANGE_KINDS)[keyof typeof CHANGE_KINDS];

/**
 * One row of a conversation's change log: what changed, never the content (that stays in the
 * item, so deleting it for everyone deletes it here too).
 */
export interface StoredChange {
  conversationId: string;
  cs: number;
  /** Offset of the event: a replay finds the changes of the events it re-reads by it. */
  offset: bigint;
  kind: ChangeKind;
  eventType: string;
  /** The item made (message, membership) or changed (edit, delete, reaction); null for receipts. */
  seq: number | null;
  /** The member a membership change is about, who deleted, reacted or acknowledged. */
  userId: string | null;
  emoji: string | null;
  present: boolean | null;
  receipt: 'delivered' | 'read' | null;
  upToSeq: number | null;
  deviceId: string | null;
}

/** A membership span: one stretch of a user's membership in a conversation. */
export interface MemberSpan {
  conversationId: string;
  userId: string;
  joinedSeq: number;
  joinedCs: number;
  /** The cs of the change that removed them; null while they are a member. */
  leftCs: number | null;
}

/** The span of `spans` a change at `cs` falls in: the user was a member then, or it removed them. */
export const spanAt = (spans: readonly MemberSpan[], cs: number) =>
  spans.find((s) => s.joinedCs <= cs && (s.leftCs === null || cs <= s.leftCs));

/**
 * The frame a stored change is sent as, with the item it makes or changes as stored now: an
 * edit carries the item's current text (a later delete has emptied it, and its own change
 * follows), so a device that applies the changes in order ends where the timeline is.
 */
export function changeFrameOf(change: StoredChange, item: TimelineItem | null): ChangeFrame {
  const { conversationId, cs } = change;
  const seq = change.seq ?? 0;
  switch (change.kind) {
    case 'message':
    case 'membership':
      return { type: change.kind, conversationId, cs, seq, item: item! };
    case 'edit':
      return {
        type: 'edit',
        conversationId,
        cs,
        seq,
        messageId: item?.messageId ?? '',
        body: item?.body ?? null,
        ciphertext: item?.ciphertext ?? null,
        editedAt: item?.editedAt ?? item?.occurredAt ?? new Date(0).toISOString(),
      };
    case 'delete':
      return {
        type: 'delete',
        conversationId,
        cs,
        seq,
        messageId: item?.messageId ?? '',
        deletedBy: change.userId!,
      };
    case 'reaction':
      return {
        type: 'reaction',
        conversationId,
        cs,
        seq,
        messageId: item?.messageId ?? '',
        emoji: change.emoji!,
        userId: change.userId!,
        present: change.present!,
      };
    case 'receipt':
      return {
        type: 'receipt',
        conversationId,
        cs,
        userId: change.userId!,
        receipt: change.receipt!,
        upToSeq: change.upToSeq!,
        deviceId: change.deviceId,
      };
  }
}
