import type { Principal } from '@chat/auth';
import type { ConversationCommand } from '@chat/domain';
import type { DecisionQuery } from '@chat/views';

/**
 * What a conversation command is decided on. Membership commands look at the whole group (its
 * size, who inherits admin); every other command only at the actor's own membership, so a
 * send to a 1,000-member group reads one row.
 */
export function decisionQueryOf(actor: Principal, command: ConversationCommand): DecisionQuery {
  return {
    conversationId: command.conversationId,
    memberIds: wholeGroup(command) ? null : [actor.userId],
    messageId:
      command.type === 'SendMessage'
        ? command.replyTo
        : 'messageId' in command
          ? command.messageId
          : null,
    sentBy:
      command.type === 'SendMessage'
        ? { senderId: actor.userId, clientMessageId: command.clientMessageId }
        : null,
  };
}

function wholeGroup(command: ConversationCommand): boolean {
  switch (command.type) {
    case 'CreateDirectConversation':
    case 'CreateGroup':
    case 'AddMember':
    case 'RemoveMember':
    case 'ChangeRole':
    case 'LeaveConversation':
      return true;
    default:
      return false;
  }
}

/** A member's own setting about a conversation (mute): decided on their membership alone. */
export const memberQueryOf = (actor: Principal, conversationId: string): DecisionQuery => ({
  conversationId,
  memberIds: [actor.userId],
  messageId: null,
  sentBy: null,
});
