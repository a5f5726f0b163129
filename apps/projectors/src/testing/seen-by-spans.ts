import { changesAnItem } from '@chat/domain';
import type { ChangeFrame, WireItem } from '@chat/protocol';
import type { PositionedOutcome } from '../runtime/conversation-events';

/**
 * A reference for what a reader may see, straight from the log and nothing else: their spans
 * (from the membership events) and, for each change inside one, the item replayed from the
 * events up to the end of that span. Independent of how the stores keep revisions, so a store
 * that shows anything past a span disagrees with it.
 */

/** What a test compares of an item: the content and what was done to it. */
export interface ItemSummary {
  body: string | null;
  edited: boolean;
  reactions: Record<string, string[]>;
  deleted: boolean;
}

/** What a test compares of a frame. */
export type FrameSummary = [string, number, ...unknown[]];

interface Span {
  joinedCs: number;
  joinedSeq: number;
  leftCs: number | null;
}

const accepted = (outcomes: readonly PositionedOutcome[]) =>
  outcomes.filter((o) => o.verdict.accepted && o.cs !== undefined);

/** A user's membership spans, from the accepted membership events alone. */
export function spansOf(outcomes: readonly PositionedOutcome[], userId: string): Span[] {
  const spans: Span[] = [];
  for (const { event, cs, seq } of accepted(outcomes)) {
    const joins =
      (event.type === 'ConversationCreated' && event.members.includes(userId)) ||
      (event.type === 'MemberAdded' && event.userId === userId);
    if (joins) spans.push({ joinedCs: cs!, joinedSeq: seq!, leftCs: null });
    if (event.type === 'MemberRemoved' && event.userId === userId) spans.at(-1)!.leftCs = cs!;
  }
  return spans;
}

/** The item at `seq` replayed from the log through `throughCs`; deleted if ever deleted. */
export function itemReplayed(
  outcomes: readonly PositionedOutcome[],
  seq: number,
  throughCs: number,
): ItemSummary {
  const all = accepted(outcomes);
  const targets = (o: PositionedOutcome) => o.target?.seq === seq;
  if (all.some((o) => o.event.type === 'MessageDeleted' && targets(o))) {
    return { body: null, edited: false, reactions: {}, deleted: true };
  }
  let body: string | null = null;
  let edited = false;
  // One reaction per member: a new one replaces theirs, taking that one back clears it.
  const reactionOf = new Map<string, string>();
  for (const { event, cs, seq: made, target } of all) {
    if (cs! > throughCs) break;
    if (event.type === 'MessageSent' && made === seq) body = event.body;
    if (target?.seq !== seq) continue;
    if (event.type === 'MessageEdited') [body, edited] = [event.body, true];
    if (event.type === 'ReactionAdded') reactionOf.set(event.userId, event.emoji);
    if (event.type === 'ReactionRemoved' && reactionOf.get(event.userId) === event.emoji) {
      reactionOf.delete(event.userId);
    }
  }
  const record: Record<string, string[]> = {};
  for (const [userId, emoji] of reactionOf) (record[emoji] ??= []).push(userId);
  for (const users of Object.values(record)) users.sort();
  return { body, edited, reactions: record, deleted: false };
}

export const summaryOfItem = (item: WireItem): ItemSummary => ({
  body: item.body,
  edited: item.editedAt !== null,
  reactions: Object.fromEntries(
    Object.entries(item.reactions).map(([emoji, users]) => [emoji, [...users].sort()]),
  ),
  deleted: item.deleted,
});

export function summaryOfFrame(frame: ChangeFrame): FrameSummary {
  switch (frame.type) {
    case 'message':
      return [frame.type, frame.cs, summaryOfItem(frame.item)];
    case 'edit':
      return [frame.type, frame.cs, frame.body];
    case 'reaction':
      return [frame.type, frame.cs, frame.emoji, frame.userId, frame.present];
    default:
      return [frame.type, frame.cs!];
  }
}

/** The frames a user may get after cs 0, summarized, from the log and their spans alone. */
export function framesSeen(outcomes: readonly PositionedOutcome[], userId: string): FrameSummary[] {
  const spans = spansOf(outcomes, userId);
  const all = accepted(outcomes);
  const position = all.at(-1)?.cs ?? 0;
  return all.flatMap(({ event, cs, seq, target }): FrameSummary[] => {
    const span = spans.find((s) => s.joinedCs <= cs! && (s.leftCs === null || cs! <= s.leftCs));
    if (!span) return [];
    const through = span.leftCs ?? position;
    if (changesAnItem(event.type) && target!.seq < span.joinedSeq) return [['skip', cs!]];
    switch (event.type) {
      case 'MessageSent':
        return [['message', cs!, itemReplayed(outcomes, seq!, through)]];
      case 'MessageEdited':
        return [['edit', cs!, itemReplayed(outcomes, target!.seq, through).body]];
      case 'ReactionAdded':
      case 'ReactionRemoved':
        return [['reaction', cs!, event.emoji, event.userId, event.type === 'ReactionAdded']];
      case 'MessageDeleted':
        return [['delete', cs!]];
      case 'MessagesDelivered':
      case 'MessagesRead':
        return [['receipt', cs!]];
      default:
        return [['membership', cs!]];
    }
  });
}
