import type { ConversationEvent } from '@chat/events';
import { DomainError } from '../errors';
import type { CommandOf, DecisionContext } from './commands';
import { newEvent } from './new-event';

/** Delivery is per device: the one named, else the one acting. */
export function acknowledgeDelivered(
  command: CommandOf<'AcknowledgeDelivered'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  const deviceId = command.deviceId ?? ctx.actor.deviceId;
  if (!deviceId) throw new DomainError('device-required');
  return [
    newEvent(ctx, {
      type: 'MessagesDelivered',
      conversationId: command.conversationId,
      userId: ctx.actor.userId,
      deviceId,
      upToSeq: command.upToSeq,
    }),
  ];
}

export function markRead(
  command: CommandOf<'MarkRead'>,
  ctx: DecisionContext,
): ConversationEvent[] {
  return [
    newEvent(ctx, {
      type: 'MessagesRead',
      conversationId: command.conversationId,
      userId: ctx.actor.userId,
      upToSeq: command.upToSeq,
    }),
  ];
}
