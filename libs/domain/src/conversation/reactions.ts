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
 * Emoji as Unicode spells them (UTS #51), as a character class body of code point ranges:
 * arrows, technical and geometric symbols, dingbats, the supplemental arrows and symbols, and
 * the astral pictographs (U+1F000 to U+1FAFF), read as code points (the `u` flag).
 */
const PICTOGRAPHS =
  '\\u00A9\\u00AE\\u203C\\u2049\\u2122\\u2139\\u2194-\\u21FF\\u2300-\\u23FF\\u24C2' +
  '\\u25A0-\\u27BF\\u2900-\\u297F\\u2B00-\\u2BFF\\u3030\\u303D\\u3297\\u3299' +
  '\u{1F000}-\u{1FAFF}';
/** One pictograph, maybe in emoji style (U+FE0F), with a skin tone, or tagged (subdivision flags). */
const PART = `[${PICTOGRAPHS}]\\uFE0F?[\u{1F3FB}-\u{1F3FF}]?(?:[\u{E0020}-\u{E007E}]+\u{E007F})?`;

/**
 * A reaction: one emoji, as keyboards send it. A flag (two regional indicators), a keycap
 * (1️⃣ is a digit, U+FE0F and U+20E3), or pictographs joined by U+200D (a family, a couple,
 * a profession with a skin tone). What it matches is a few symbols at most, never text.
 */
export const REACTION_PATTERN = new RegExp(
  `^(?:[\u{1F1E6}-\u{1F1FF}]{2}|[0-9#*]\\uFE0F?\\u20E3|${PART}(?:\\u200D${PART})*)$`,
  'u',
);

/**
 * Why a string is not a reaction, or undefined when it is one: one emoji (REACTION_PATTERN) of
 * at most MAX_REACTION_CODE_POINTS code points. A pattern rather than the runtime's grapheme
 * rules, which follow its Unicode version: the same string is a reaction on every runtime.
 */
export function reactionProblem(emoji: string): string | undefined {
  const codePoints = [...emoji].length;
  if (codePoints === 0 || codePoints > MAX_REACTION_CODE_POINTS) {
    return `a reaction is 1 to ${MAX_REACTION_CODE_POINTS} characters`;
  }
  if (!REACTION_PATTERN.test(emoji)) return 'a reaction is one emoji';
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
