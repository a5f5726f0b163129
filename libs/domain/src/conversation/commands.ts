import type { EnvelopeSource } from '../envelope';
import type { ConversationState, MessageFacts } from './conversation-state';
import type { Ciphertext, MediaReference, MemberRole, MessageKind } from '@chat/events';

/** What a user asks of a conversation. The actor is not in the command: see DecisionContext. */
export type ConversationCommand =
  | { type: 'CreateDirectConversation'; conversationId: string; peerId: string }
  | { type: 'CreateGroup'; conversationId: string; title: string; members: string[] }
  | { type: 'AddMember'; conversationId: string; userId: string; role: MemberRole }
  | { type: 'RemoveMember'; conversationId: string; userId: string }
  | { type: 'ChangeRole'; conversationId: string; userId: string; role: MemberRole }
  | { type: 'LeaveConversation'; conversationId: string }
  | {
      type: 'SendMessage';
      conversationId: string;
      messageId: string;
      clientMessageId: string;
      kind: Exclude<MessageKind, 'SYSTEM'>;
      body: string | null;
      replyTo: string | null;
      ciphertext: Ciphertext | null;
      media: MediaReference | null;
    }
  | {
      type: 'EditMessage';
      conversationId: string;
      messageId: string;
      body: string | null;
      ciphertext: Ciphertext | null;
    }
  | { type: 'DeleteMessage'; conversationId: string; messageId: string }
  | { type: 'AddReaction'; conversationId: string; messageId: string; emoji: string }
  | { type: 'RemoveReaction'; conversationId: string; messageId: string; emoji: string }
  | {
      type: 'AcknowledgeDelivered';
      conversationId: string;
      deviceId: string | null;
      upToSeq: number;
    }
  | { type: 'MarkRead'; conversationId: string; upToSeq: number };

export type CommandType = ConversationCommand['type'];

/** One kind of command, by its type. */
export type CommandOf<T extends CommandType> = Extract<ConversationCommand, { type: T }>;

export interface Limits {
  maxGroupMembers: number;
  /** Characters (code points) in a message body. */
  maxMessageLength: number;
}

/** Everything a decision needs from outside: who asks, when, ids, limits. Never read inside. */
export interface DecisionContext extends EnvelopeSource {
  limits: Limits;
}

/** The state a command is decided against, loaded by the handler from the membership view. */
export interface DecisionState {
  conversation: ConversationState | null;
  /** The message a command targets (edit, delete, react, reply), when it has one. */
  message?: MessageFacts | null;
  /** For a send: the message this sender already sent with the same client message id. */
  duplicate?: MessageFacts | null;
}
