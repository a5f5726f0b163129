/**
 * A reaction is one emoji. A member has at most one reaction on an item: a new one replaces
 * theirs, and taking that one back clears it. So an item's reactions never outnumber
 * the members who reacted, and each is one short string, which keeps an item's size bounded in
 * every history page, sync and resume that carries it.
 */

/**
 * The longest reaction, in code points: what the API has always allowed, so every reaction in
 * the log passes it. The longest emoji in Unicode (a family or a couple with skin tones, a
 * subdivision flag) is about ten code points.
 */
export const MAX_REACTION_CODE_POINTS = 32;

/**
 * What makes a grapheme an emoji: a pictograph, a regional indicator (flags are two), or a
 * keycap (1️⃣ is a digit, U+FE0F and U+20E3).
 */
const EMOJI_LIKE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Why a string is not a reaction, or undefined when it is one: a single grapheme cluster with
 * an emoji in it, at most MAX_REACTION_CODE_POINTS code points. Checked where commands are
 * decided, not by `judge`: grapheme rules come from the runtime's Unicode data, which may
 * change between versions, and acceptance of a logged event must not.
 */
export function reactionProblem(emoji: string): string | undefined {
  const codePoints = [...emoji].length;
  if (codePoints === 0 || codePoints > MAX_REACTION_CODE_POINTS) {
    return `a reaction is 1 to ${MAX_REACTION_CODE_POINTS} characters`;
  }
  const clusters = [...graphemes.segment(emoji)].length;
  if (clusters !== 1) return `a reaction is one emoji, not ${clusters} characters`;
  if (!EMOJI_LIKE.test(emoji)) return 'a reaction is an emoji';
  return undefined;
}

/**
 * Whether a logged reaction's string is within the bound every projection applies: a length
 * check only, so it judges the same on every runtime and every rebuild.
 */
export const withinReactionBound = (emoji: string): boolean => {
  const codePoints = [...emoji].length;
  return codePoints > 0 && codePoints <= MAX_REACTION_CODE_POINTS;
};

/** A change to a member's reaction on an item, in log order. */
export interface ReactionChange {
  userId: string;
  emoji: string;
  /** True for an added reaction, false for one taken back. */
  present: boolean;
}

/**
 * An item's reactions after a change, keyed by member: an added reaction replaces the member's
 * previous one, and taking one back clears theirs if it is the one named (a removal sent from a
 * device that had not yet seen the member's newer reaction leaves that newer one alone).
 */
export function withReaction(
  reactions: ReadonlyMap<string, string>,
  change: ReactionChange,
): Map<string, string> {
  const next = new Map(reactions);
  if (change.present) next.set(change.userId, change.emoji);
  else if (clearsReaction(reactions, change)) next.delete(change.userId);
  return next;
}

/** Whether taking a reaction back clears the member's reaction: it names the one they have. */
export const clearsReaction = (reactions: ReadonlyMap<string, string>, change: ReactionChange) =>
  !change.present && reactions.get(change.userId) === change.emoji;

/** Reactions as readers get them: the members who chose each emoji, emoji and members sorted. */
export function reactionsByEmoji(reactions: ReadonlyMap<string, string>): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  const entries = [...reactions].sort(([a, x], [b, y]) =>
    x === y ? compare(a, b) : compare(x, y),
  );
  for (const [userId, emoji] of entries) (record[emoji] ??= []).push(userId);
  return record;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
