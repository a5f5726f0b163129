import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from '../conversations/conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { ReactToMessageCommand } from './react-to-message.command';

@CommandHandler(ReactToMessageCommand)
export class ReactToMessageHandler implements ICommandHandler<ReactToMessageCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: ReactToMessageCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'AddReaction', ...input }),
    );
    return accepted(input.conversationId, eventIds, input.messageId);
  }
}
