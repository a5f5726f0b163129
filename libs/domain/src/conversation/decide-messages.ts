import type { ConversationEvent, MessageKind } from '@chat/events';
import { DomainError } from '../errors';
import type { CommandOf, DecisionContext, DecisionState, Limits } from './commands';
import type { MessageFacts } from './conversation-state';
import { newEvent } from './new-event';
import { reactionProblem } from './reactions';

/**
 * Who may send, and whether the message is already in the log, are judged; what a send says
 * (its content, the message it replies to) is the command's own and is checked here.
 */
export function sendMessage(
  command: CommandOf<'SendMessage'>,
  state: DecisionState,
  ctx: DecisionContext,
): ConversationEvent[] {
  if (state.duplicate) return retriedSend(command, state.duplicate);
  checkContent(command, ctx.limits);
  if (command.replyTo !== null) checkReplyTarget(command, state.message);
  return [
    newEvent(ctx, {
      type: 'MessageSent',
      conversationId: command.conversationId,
      messageId: command.messageId,
      clientMessageId: command.clientMessageId,
      senderId: ctx.actor.userId,
      deviceId: ctx.actor.deviceId,
      kind: command.kind,
      body: command.body,
      replyTo: command.replyTo,
      ciphertext: command.ciphertext,
      media: command.media,
    }),
  ];
}

/**
 * A retry of a send that is already in the log: nothing new (the caller answers with the
 * first message's id). The same client message id in another conversation is another send.
 */
function retriedSend(command: CommandOf<'SendMessage'>, first: MessageFacts): [] {
  if (first.conversationId !== command.conversationId) {
    throw new DomainError(
      'duplicate-message',
      'this client message id was already used in another conversation',
    );
  }
  return [];
}

function checkReplyTarget(
  command: CommandOf<'SendMessage'>,
  target: MessageFacts | null | undefined,
): void {
  if (!target || target.conversationId !== command.conversationId) {
    throw new DomainError('message-not-found', 'the message replied to does not exist here');
  }
}

/** Only the author may edit (judged); the new content is checked as a send's is. */
export function editMessage(
  command: CommandOf<'EditMessage'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  checkContent(
    { kind: 'TEXT', body: command.body, ciphertext: command.ciphertext, media: null },
    ctx.limits,
  );
  return [
    newEvent(ctx, {
      type: 'MessageEdited',
      conversationId: command.conversationId,
      messageId: command.messageId,
      editorId: ctx.actor.userId,
      body: command.body,
      ciphertext: command.ciphertext,
    }),
  ];
}

/** The author or an admin may delete: judged. */
export function deleteMessage(
  command: CommandOf<'DeleteMessage'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  return [
    newEvent(ctx, {
      type: 'MessageDeleted',
      conversationId: command.conversationId,
      messageId: command.messageId,
      deletedBy: ctx.actor.userId,
    }),
  ];
}

/** A new reaction is one emoji; its length alone is also judged, for any reaction. */
export function addReaction(
  command: CommandOf<'AddReaction'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  const problem = reactionProblem(command.emoji);
  if (problem) throw new DomainError('invalid-reaction', problem);
  return [newEvent(ctx, { type: 'ReactionAdded', ...reactionOf(command, ctx) })];
}

/** Taking one back names what the member has, which may predate the one-emoji rule. */
export function removeReaction(
  command: CommandOf<'RemoveReaction'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  return [newEvent(ctx, { type: 'ReactionRemoved', ...reactionOf(command, ctx) })];
}

const reactionOf = (
  command: CommandOf<'AddReaction' | 'RemoveReaction'>,
  ctx: DecisionContext,
) => ({
  conversationId: command.conversationId,
  messageId: command.messageId,
  userId: ctx.actor.userId,
  emoji: command.emoji,
});

interface Content {
  kind: Exclude<MessageKind, 'SYSTEM'>;
  body: string | null;
  ciphertext: unknown;
  media: unknown;
}

/** A message says something, within the length allowed, counted in characters. */
function checkContent({ kind, body, ciphertext, media }: Content, limits: Limits): void {
  if (kind === 'MEDIA' && media === null) {
    throw new DomainError('invalid-message', 'a media message needs a media reference');
  }
  if (kind === 'TEXT' && body === null && ciphertext === null) {
    throw new DomainError('invalid-message', 'a text message needs a body or a ciphertext');
  }
  const length = body === null ? 0 : [...body].length;
  if (length > limits.maxMessageLength) {
    throw new DomainError(
      'message-too-long',
      `the body has ${length} characters; at most ${limits.maxMessageLength} are allowed`,
    );
  }
}
