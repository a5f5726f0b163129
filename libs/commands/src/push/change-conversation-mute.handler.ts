import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeConversationMute } from '@chat/domain';
import { appended } from '../accepted';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { muteDecisionQueryOf } from './mute-decision-query';
import { ChangeConversationMuteCommand } from './change-conversation-mute.command';

/**
 * A member's own setting about a conversation: its event is not the conversation's and goes to
 * another topic, but it is decided on the same membership view, with the same catch-up.
 */
@CommandHandler(ChangeConversationMuteCommand)
export class ChangeConversationMuteHandler implements ICommandHandler<ChangeConversationMuteCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, change }: ChangeConversationMuteCommand) {
    const { eventIds } = await this.pipeline.execute({
      actor,
      load: muteDecisionQueryOf(actor.userId, change.conversationId),
      decide: (state, ctx) => [changeConversationMute(state.conversation, change, ctx)],
    });
    return appended(eventIds);
  }
}
