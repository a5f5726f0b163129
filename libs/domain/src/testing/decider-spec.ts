import type { Actor, ConversationEvent } from '@chat/events';
import type { RejectionCode } from '../errors';
import type { ConversationCommand, DecisionContext } from '../conversation/commands';
import { decide } from '../conversation/decide';
import { decisionQueryOf } from '../conversation/decision-query';
import type { EventContent } from '../conversation/new-event';
import { FoldedHistory } from './folded-history';

/** The fixed clock of specifications. */
export const NOW = Date.UTC(2026, 0, 1);

export function contextFor(userId: string, deviceId: string | null = 'phone'): DecisionContext {
  let next = 0;
  return {
    actor: { userId, deviceId },
    now: NOW,
    correlationId: 'correlation-1',
    newEventId: () => `event-${++next}`,
    limits: { maxGroupMembers: 5, maxMessageLength: 20 },
  };
}

/** Drops the envelope so a specification compares what an event says, not its metadata. */
const withoutEnvelope = (events: ConversationEvent[]) =>
  events.map(({ envelope: _envelope, ...rest }) => rest);

/**
 * given(events).when(actor, command), then .then(events), .thenNothingHappened() or
 * .thenFails(code). The command is decided on what production would load for it (see
 * decisionQueryOf), answered from the history folded through the projections' ledger.
 */
export function given(...history: ConversationEvent[]) {
  const folded = new FoldedHistory(history);
  return {
    when(actor: string | Actor, command: ConversationCommand) {
      const ctx =
        typeof actor === 'string' ? contextFor(actor) : { ...contextFor(actor.userId), actor };
      const state = folded.decisionState(decisionQueryOf(ctx.actor.userId, command));
      const decision = decide(command, state, ctx);
      return {
        then(expected: EventContent[]) {
          if (!decision.ok) throw new Error(`expected events, got ${decision.error.message}`);
          expect(withoutEnvelope(decision.events)).toEqual(expected);
          return decision.events;
        },
        /** Decided, and nothing to append: asking again for what already happened. */
        thenNothingHappened() {
          if (!decision.ok) throw new Error(`expected no events, got ${decision.error.message}`);
          expect(withoutEnvelope(decision.events)).toEqual([]);
        },
        thenFails(code: RejectionCode) {
          expect(decision.ok ? 'accepted' : decision.error.code).toBe(code);
        },
      };
    },
  };
}
