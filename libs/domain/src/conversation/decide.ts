import type { ConversationEvent } from '@chat/events';
import { DomainError } from '../errors';
import type { ConversationCommand, DecisionContext, DecisionState } from './commands';
import { evolve, exhaustive } from './conversation-state';
import { createDirectConversation, createGroup } from './decide-creation';
import { addMember, changeRole, leaveConversation, removeMember } from './decide-membership';
import {
  addReaction,
  deleteMessage,
  editMessage,
  removeReaction,
  sendMessage,
} from './decide-messages';
import { acknowledgeDelivered, markRead } from './decide-receipts';
import { judge } from './rules';

export type Decision =
  { ok: true; events: ConversationEvent[] } | { ok: false; error: DomainError };

/**
 * Decides the events a command causes, or why it is refused. Pure: state, clock and ids come
 * in as arguments. The events are then checked by the same `judge` the projections apply, so
 * the command side and the read side cannot disagree about the rules.
 */
export function decide(
  command: ConversationCommand,
  state: DecisionState,
  ctx: DecisionContext,
): Decision {
  try {
    const events = eventsFor(command, state, ctx);
    judgeInTurn(events, state);
    return { ok: true, events };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/**
 * One function per command: each checks what is the command's own (its content, its limits)
 * and throws a DomainError to refuse; who may do what is left to `judge`.
 */
function eventsFor(
  command: ConversationCommand,
  state: DecisionState,
  ctx: DecisionContext,
): ConversationEvent[] {
  switch (command.type) {
    case 'CreateDirectConversation':
      return createDirectConversation(command, state, ctx);
    case 'CreateGroup':
      return createGroup(command, ctx);
    case 'AddMember':
      return addMember(command, ctx);
    case 'RemoveMember':
      return removeMember(command, state, ctx);
    case 'ChangeRole':
      return changeRole(command, ctx);
    case 'LeaveConversation':
      return leaveConversation(command, state, ctx);
    case 'SendMessage':
      return sendMessage(command, state, ctx);
    case 'EditMessage':
      return editMessage(command, ctx);
    case 'DeleteMessage':
      return deleteMessage(command, ctx);
    case 'AddReaction':
      return addReaction(command, ctx);
    case 'RemoveReaction':
      return removeReaction(command, ctx);
    case 'AcknowledgeDelivered':
      return acknowledgeDelivered(command, ctx);
    case 'MarkRead':
      return markRead(command, ctx);
    default:
      return exhaustive(command);
  }
}

/**
 * Refuses the first decided event the rules forbid. A later event of one command (leave, then
 * promote) is judged on the state the earlier ones leave.
 */
function judgeInTurn(events: ConversationEvent[], state: DecisionState): void {
  let conversation = state.conversation;
  for (const event of events) {
    const verdict = judge(conversation, event, {
      target: state.message,
      duplicate: state.duplicate,
    });
    if (!verdict.accepted) throw new DomainError(verdict.reason, verdict.detail);
    conversation = evolve(conversation, event);
  }
}
