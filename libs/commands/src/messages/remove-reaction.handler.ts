import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from '../conversations/conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { RemoveReactionCommand } from './remove-reaction.command';

@CommandHandler(RemoveReactionCommand)
export class RemoveReactionHandler implements ICommandHandler<RemoveReactionCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: RemoveReactionCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'RemoveReaction', ...input }),
    );
    return accepted(input.conversationId, eventIds, input.messageId);
  }
}
