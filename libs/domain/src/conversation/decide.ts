import type { ConversationEvent, Envelope, EventType } from '@chat/events';
import { newEnvelope } from '../envelope';
import { DomainError } from '../errors';
import type { ConversationCommand, DecisionContext, DecisionState } from './commands';
import { evolve, exhaustive, hasAdmin, type ConversationState } from './conversation-state';
import { reactionProblem } from './reactions';
import { judge, membersProblem } from './rules';

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
    let conversation = state.conversation;
    for (const event of events) {
      const verdict = judge(conversation, event, {
        target: state.message,
        duplicate: state.duplicate,
      });
      if (!verdict.accepted) throw new DomainError(verdict.reason, verdict.detail);
      // A later event of one command (leave, then promote) is judged after the earlier ones.
      conversation = evolve(conversation, event);
    }
    return { ok: true, events };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

function eventsFor(
  command: ConversationCommand,
  state: DecisionState,
  ctx: DecisionContext,
): ConversationEvent[] {
  const envelope = (type: EventType): Envelope => newEnvelope(type, ctx);
  const me = ctx.actor.userId;
  const { conversationId } = command;

  switch (command.type) {
    case 'CreateDirectConversation': {
      // Idempotent per pair: asking again for an existing one changes nothing.
      if (state.conversation) return [];
      const members = [me, command.peerId];
      const problem = membersProblem('DIRECT', me, members);
      if (problem && !problem.accepted) throw new DomainError(problem.reason, problem.detail);
      return [
        {
          type: 'ConversationCreated',
          envelope: envelope('ConversationCreated'),
          conversationId,
          kind: 'DIRECT',
          title: null,
          creatorId: me,
          members,
        },
      ];
    }

    case 'CreateGroup': {
      const members = [me, ...command.members.filter((userId) => userId !== me)];
      if (members.length > ctx.limits.maxGroupMembers) {
        throw new DomainError(
          'group-full',
          `a group has at most ${ctx.limits.maxGroupMembers} members`,
        );
      }
      return [
        {
          type: 'ConversationCreated',
          envelope: envelope('ConversationCreated'),
          conversationId,
          kind: 'GROUP',
          title: command.title,
          creatorId: me,
          members,
        },
      ];
    }

    case 'AddMember':
      // The limit is judged (see judge), against the state at the event's place in the log.
      return [
        {
          type: 'MemberAdded',
          envelope: envelope('MemberAdded'),
          conversationId,
          userId: command.userId,
          role: command.role,
          addedBy: me,
          memberLimit: ctx.limits.maxGroupMembers,
        },
      ];

    case 'RemoveMember':
      if (command.userId === me) {
        return eventsFor({ type: 'LeaveConversation', conversationId }, state, ctx);
      }
      return [
        {
          type: 'MemberRemoved',
          envelope: envelope('MemberRemoved'),
          conversationId,
          userId: command.userId,
          reason: 'REMOVED',
          removedBy: me,
        },
      ];

    case 'ChangeRole':
      return [
        {
          type: 'MemberRoleChanged',
          envelope: envelope('MemberRoleChanged'),
          conversationId,
          userId: command.userId,
          role: command.role,
          changedBy: me,
        },
      ];

    case 'LeaveConversation': {
      const left: ConversationEvent = {
        type: 'MemberRemoved',
        envelope: envelope('MemberRemoved'),
        conversationId,
        userId: me,
        reason: 'LEFT',
        removedBy: me,
      };
      const successor = successorOnLeave(existing(state), me);
      return successor
        ? [
            left,
            {
              type: 'MemberRoleChanged',
              envelope: envelope('MemberRoleChanged'),
              conversationId,
              userId: successor,
              role: 'ADMIN',
              changedBy: me,
            },
          ]
        : [left];
    }

    case 'SendMessage': {
      // A retry of a send that is already in the log: nothing new (the caller answers with
      // the first message's id).
      if (state.duplicate) {
        if (state.duplicate.conversationId !== conversationId) {
          throw new DomainError(
            'duplicate-message',
            'this client message id was already used in another conversation',
          );
        }
        return [];
      }
      contentProblem(command.kind, command.body, command.ciphertext, command.media, ctx);
      if (command.replyTo !== null) {
        const target = state.message;
        if (!target || target.conversationId !== conversationId) {
          throw new DomainError('message-not-found', 'the message replied to does not exist here');
        }
      }
      return [
        {
          type: 'MessageSent',
          envelope: envelope('MessageSent'),
          conversationId,
          messageId: command.messageId,
          clientMessageId: command.clientMessageId,
          senderId: me,
          deviceId: ctx.actor.deviceId,
          kind: command.kind,
          body: command.body,
          replyTo: command.replyTo,
          ciphertext: command.ciphertext,
          media: command.media,
        },
      ];
    }

    case 'EditMessage':
      contentProblem('TEXT', command.body, command.ciphertext, null, ctx);
      return [
        {
          type: 'MessageEdited',
          envelope: envelope('MessageEdited'),
          conversationId,
          messageId: command.messageId,
          editorId: me,
          body: command.body,
          ciphertext: command.ciphertext,
        },
      ];

    case 'DeleteMessage':
      return [
        {
          type: 'MessageDeleted',
          envelope: envelope('MessageDeleted'),
          conversationId,
          messageId: command.messageId,
          deletedBy: me,
        },
      ];

    case 'AddReaction':
    case 'RemoveReaction': {
      // Taking one back names what the member has, which may predate the one-emoji rule.
      const problem = command.type === 'AddReaction' ? reactionProblem(command.emoji) : undefined;
      if (problem) throw new DomainError('invalid-reaction', problem);
      const type = command.type === 'AddReaction' ? 'ReactionAdded' : 'ReactionRemoved';
      return [
        {
          type,
          envelope: envelope(type),
          conversationId,
          messageId: command.messageId,
          userId: me,
          emoji: command.emoji,
        },
      ];
    }

    case 'AcknowledgeDelivered': {
      const deviceId = command.deviceId ?? ctx.actor.deviceId;
      if (!deviceId) throw new DomainError('device-required');
      return [
        {
          type: 'MessagesDelivered',
          envelope: envelope('MessagesDelivered'),
          conversationId,
          userId: me,
          deviceId,
          upToSeq: command.upToSeq,
        },
      ];
    }

    case 'MarkRead':
      return [
        {
          type: 'MessagesRead',
          envelope: envelope('MessagesRead'),
          conversationId,
          userId: me,
          upToSeq: command.upToSeq,
        },
      ];

    default:
      return exhaustive(command);
  }
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
  if (conversation.kind !== 'GROUP' || !conversation.members.has(leaving)) return undefined;
  const remaining = new Map(conversation.members);
  remaining.delete(leaving);
  if (remaining.size === 0 || hasAdmin({ ...conversation, members: remaining })) return undefined;
  return [...remaining].sort(([, a], [, b]) => a.joinedSeq - b.joinedSeq)[0]![0];
}

function contentProblem(
  kind: 'TEXT' | 'MEDIA',
  body: string | null,
  ciphertext: unknown,
  media: unknown,
  ctx: DecisionContext,
): void {
  if (kind === 'MEDIA' && media === null) {
    throw new DomainError('invalid-message', 'a media message needs a media reference');
  }
  if (kind === 'TEXT' && body === null && ciphertext === null) {
    throw new DomainError('invalid-message', 'a text message needs a body or a ciphertext');
  }
  if (body !== null && [...body].length > ctx.limits.maxMessageLength) {
    throw new DomainError(
      'message-too-long',
      `the body has ${[...body].length} characters; at most ${ctx.limits.maxMessageLength} are allowed`,
    );
  }
}
