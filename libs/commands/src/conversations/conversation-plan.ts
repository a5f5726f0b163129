import type { Principal } from '@chat/auth';
import { decide, decisionQueryOf, type ConversationCommand } from '@chat/domain';
import type { ConversationEvent } from '@chat/events';
import type { CommandPlan } from '../pipeline/command-plan';

/** A conversation command as its transport gives it: the domain command without its type. */
export type ConversationCommandInput<T extends ConversationCommand['type']> = Omit<
  Extract<ConversationCommand, { type: T }>,
  'type'
>;

/** A conversation command's plan: decided by the domain on its conversation's state. */
export function conversationPlan(
  actor: Principal,
  command: ConversationCommand,
): CommandPlan<ConversationEvent> {
  return {
    actor,
    load: decisionQueryOf(actor.userId, command),
    decide: (state, ctx) => {
      const decision = decide(command, state, ctx);
      if (!decision.ok) throw decision.error;
      return decision.events;
    },
  };
}
