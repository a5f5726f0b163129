import type { ConversationEvent } from '@chat/events';
import { DomainError } from '../errors';
import type { CommandOf, DecisionContext, DecisionState } from './commands';
import { hasAdmin, isMember, type ConversationState } from './conversation-state';
import { newEvent } from './new-event';

/** Who may add whom, and the group's limit, are judged at the event's place in the log. */
export function addMember(
  command: CommandOf<'AddMember'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  return [
    newEvent(ctx, {
      type: 'MemberAdded',
      conversationId: command.conversationId,
      userId: command.userId,
      role: command.role,
      addedBy: ctx.actor.userId,
      memberLimit: ctx.limits.maxGroupMembers,
    }),
  ];
}

/** Removing yourself is leaving, with what leaving entails (a successor as admin). */
export function removeMember(
  command: CommandOf<'RemoveMember'>,
  state: DecisionState,
  ctx: DecisionContext,
): ConversationEvent[] {
  const { conversationId, userId } = command;
  if (userId === ctx.actor.userId) {
    return leaveConversation({ type: 'LeaveConversation', conversationId }, state, ctx);
  }
  return [
    newEvent(ctx, {
      type: 'MemberRemoved',
      conversationId,
      userId,
      reason: 'REMOVED',
      removedBy: ctx.actor.userId,
    }),
  ];
}

export function changeRole(
  command: CommandOf<'ChangeRole'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  return [
    newEvent(ctx, {
      type: 'MemberRoleChanged',
      conversationId: command.conversationId,
      userId: command.userId,
      role: command.role,
      changedBy: ctx.actor.userId,
    }),
  ];
}

export function leaveConversation(
  command: CommandOf<'LeaveConversation'>,
  state: DecisionState,
  ctx: DecisionContext,
): ConversationEvent[] {
  const { conversationId } = command;
  const me = ctx.actor.userId;
  const left = newEvent(ctx, {
    type: 'MemberRemoved',
    conversationId,
    userId: me,
    reason: 'LEFT',
    removedBy: me,
  });
  const successor = successorOnLeave(existing(state), me);
  if (!successor) return [left];
  return [
    left,
    newEvent(ctx, {
      type: 'MemberRoleChanged',
      conversationId,
      userId: successor,
      role: 'ADMIN',
      changedBy: me,
    }),
  ];
}

function existing(state: DecisionState): ConversationState {
  if (!state.conversation) throw new DomainError('conversation-not-found');
  return state.conversation;
}

/**
 * When the last admin leaves a group that still has members, the longest-standing member
 * becomes admin, so no group is left that nobody can manage.
 */
function successorOnLeave(conversation: ConversationState, leaving: string): string | undefined {
  if (conversation.kind !== 'GROUP' || !isMember(conversation, leaving)) return undefined;
  const remaining = new Map(conversation.members);
  remaining.delete(leaving);
  if (remaining.size === 0 || hasAdmin({ ...conversation, members: remaining })) return undefined;
  return [...remaining].sort(([, a], [, b]) => a.joinedSeq - b.joinedSeq)[0]![0];
}
