import { ConversationLedger } from '@chat/domain';
import { TOPICS, type ConversationEvent } from '@chat/events';
import { foldInLogOrder, type PositionedOutcome } from '../runtime/conversation-events';

/**
 * For tests of the pure projection mappers: a history laid in one partition from
 * `firstOffset` on, folded by a fresh ledger as a projection folds a batch.
 */
export function foldHistory(
  events: ConversationEvent[],
  at: { partition?: number; firstOffset?: number } = {},
): PositionedOutcome[] {
  const ledger = new ConversationLedger({ conversations: [], messages: [] });
  const consumed = events.map((event, i) => ({
    event,
    topic: TOPICS.conversations,
    partition: at.partition ?? 0,
    offset: String((at.firstOffset ?? 0) + i),
    timestamp: 0,
  }));
  return foldInLogOrder(ledger, consumed);
}
