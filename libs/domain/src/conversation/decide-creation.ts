import type { ConversationEvent } from '@chat/events';
import { DomainError } from '../errors';
import type { CommandOf, DecisionContext, DecisionState } from './commands';
import { newEvent } from './new-event';

/**
 * Idempotent per pair: asking again for an existing direct conversation changes nothing. Who
 * may be in it (two distinct users, the creator one of them) is judged.
 */
export function createDirectConversation(
  command: CommandOf<'CreateDirectConversation'>,
  state: DecisionState,
  ctx: DecisionContext,
): ConversationEvent[] {
  if (state.conversation) return [];
  const me = ctx.actor.userId;
  return [
    newEvent(ctx, {
      type: 'ConversationCreated',
      conversationId: command.conversationId,
      kind: 'DIRECT',
      title: null,
      creatorId: me,
      members: [me, command.peerId],
    }),
  ];
}

/**
 * The creator is always a member, listed first. The limit is the command's own: a creation
 * races with nothing, so unlike an add it need not travel in the event.
 */
export function createGroup(
  command: CommandOf<'CreateGroup'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  const me = ctx.actor.userId;
  const members = [me, ...command.members.filter((userId) => userId !== me)];
  const { maxGroupMembers } = ctx.limits;
  if (members.length > maxGroupMembers) {
    throw new DomainError('group-full', `a group has at most ${maxGroupMembers} members`);
  }
  return [
    newEvent(ctx, {
      type: 'ConversationCreated',
      conversationId: command.conversationId,
      kind: 'GROUP',
      title: command.title,
      creatorId: me,
      members,
    }),
  ];
}
