import type { ConversationLedger, Outcome } from '@chat/domain';
import { isPresenceEvent, type ConsumedEvent, type ConversationEvent } from '@chat/events';

/** A consumed conversation event. */
export type ConsumedConversationEvent = ConsumedEvent & { event: ConversationEvent };

/** The ledger's outcome for an event, with where the event sits in the log. */
export interface PositionedOutcome extends Outcome {
  topic: string;
  partition: number;
  offset: string;
}

export const conversationEventsOf = (consumed: ConsumedEvent[]) =>
  consumed.filter((c): c is ConsumedConversationEvent => !isPresenceEvent(c.event));

/** Folds events through the ledger in log order, keeping each outcome's position. */
export const foldInLogOrder = (
  ledger: ConversationLedger,
  consumed: ConsumedConversationEvent[],
): PositionedOutcome[] =>
  consumed.map((c) => ({
    ...ledger.apply(c.event),
    topic: c.topic,
    partition: c.partition,
    offset: c.offset,
  }));
