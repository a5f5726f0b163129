import type { ConversationCommand } from './commands';
import { exhaustive } from './conversation-state';

/**
 * What one command is decided on, as a store is asked for it: the conversation with the members
 * named (`null`: all of them), the message the command names, and, for a send, the sender's
 * earlier message under the same client message id.
 */
export interface DecisionQuery {
  conversationId: string;
  /** The members to load; null: all of them. */
  memberIds: string[] | null;
  messageId: string | null;
  sentBy: { senderId: string; clientMessageId: string } | null;
}

/**
 * The one rule for what a command's decision needs loaded, used by the command pipeline and by
 * the specifications alike, so a decision that looks at more than this fails in both.
 * Membership commands look at the whole group (its size, who inherits admin); every other
 * command only at the actor's own membership, so a send to a 1,000-member group reads one row.
 */
export function decisionQueryOf(actorUserId: string, command: ConversationCommand): DecisionQuery {
  const { conversationId } = command;
  const ownMembership = { conversationId, memberIds: [actorUserId], messageId: null, sentBy: null };
  switch (command.type) {
    case 'CreateDirectConversation':
    case 'CreateGroup':
    case 'AddMember':
    case 'RemoveMember':
    case 'ChangeRole':
    case 'LeaveConversation':
      return { conversationId, memberIds: null, messageId: null, sentBy: null };
    case 'SendMessage':
      return {
        ...ownMembership,
        messageId: command.replyTo,
        sentBy: { senderId: actorUserId, clientMessageId: command.clientMessageId },
      };
    case 'EditMessage':
    case 'DeleteMessage':
    case 'AddReaction':
    case 'RemoveReaction':
      return { ...ownMembership, messageId: command.messageId };
    case 'AcknowledgeDelivered':
    case 'MarkRead':
      return ownMembership;
    default:
      return exhaustive(command);
  }
}
