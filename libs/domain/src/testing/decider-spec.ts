import type { Actor, ConversationEvent } from '@chat/events';
import type { RejectionCode } from '../errors';
import type { ConversationCommand, DecisionContext, DecisionState } from '../conversation/commands';
import { decide } from '../conversation/decide';
import { ConversationLedger } from '../conversation/ledger';

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

/** An event without its envelope, kept per event type. */
type EventContent = ConversationEvent extends infer E
  ? E extends ConversationEvent
    ? Omit<E, 'envelope'>
    : never
  : never;

/** Drops the envelope so a specification compares what an event says, not its metadata. */
const withoutEnvelope = (events: ConversationEvent[]) =>
  events.map(({ envelope: _envelope, ...rest }) => rest);

/**
 * given(events).when(actor, command).then(events) | .thenFails(code): the history is folded
 * through the same ledger the projections use, then the command is decided against it.
 */
export function given(...history: ConversationEvent[]) {
  const ledger = new ConversationLedger({ conversations: [], messages: [] });
  for (const event of history) {
    const outcome = ledger.apply(event);
    if (!outcome.verdict.accepted) {
      throw new Error(`given: ${event.type} was ignored: ${outcome.verdict.reason}`);
    }
  }
  return {
    when(actor: string | Actor, command: ConversationCommand) {
      const ctx =
        typeof actor === 'string' ? contextFor(actor) : { ...contextFor(actor.userId), actor };
      const target =
        'messageId' in command && command.type !== 'SendMessage' ? command.messageId : undefined;
      const replyTo = command.type === 'SendMessage' ? command.replyTo : null;
      const state: DecisionState = {
        conversation: ledger.conversation(command.conversationId),
        message: ledger.message(command.conversationId, target ?? replyTo ?? ''),
        duplicate:
          command.type === 'SendMessage'
            ? ledger.sentBy(command.conversationId, ctx.actor.userId, command.clientMessageId)
            : null,
      };
      const decision = decide(command, state, ctx);
      return {
        then(expected: EventContent[]) {
          if (!decision.ok) throw new Error(`expected events, got ${decision.error.message}`);
          expect(withoutEnvelope(decision.events)).toEqual(expected);
          return decision.events;
        },
        thenFails(code: RejectionCode) {
          expect(decision.ok ? 'accepted' : decision.error.code).toBe(code);
        },
      };
    },
  };
}
