import type { ConversationEvent } from '@chat/events';

/** How a member meets a change: in full, as a `skip` with only its cs, or not at all. */
export type Sight = 'change' | 'skip' | 'none';

/** Changes that change an existing item rather than make one. */
const CHANGES_AN_ITEM: ReadonlySet<ConversationEvent['type']> = new Set([
  'MessageEdited',
  'MessageDeleted',
  'ReactionAdded',
  'ReactionRemoved',
]);

export const changesAnItem = (eventType: string) =>
  CHANGES_AN_ITEM.has(eventType as ConversationEvent['type']);

/**
 * What a user sees of a change, given their membership span at it (`undefined`: not a member
 * then, and not the one it removed). A member sees every change, except one to an item from
 * before they joined: history starts at their join, so they get the cs alone and their stream
 * of cs stays gapless from the change that added them to the one that removed them.
 */
export function sightOf(
  span: { joinedSeq: number } | undefined,
  change: { eventType: string; targetSeq: number | null },
): Sight {
  if (!span) return 'none';
  if (changesAnItem(change.eventType) && (change.targetSeq ?? 0) < span.joinedSeq) return 'skip';
  return 'change';
}
