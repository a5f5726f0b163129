import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from '../conversations/conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { EditMessageCommand } from './edit-message.command';

@CommandHandler(EditMessageCommand)
export class EditMessageHandler implements ICommandHandler<EditMessageCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: EditMessageCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'EditMessage', ...input }),
    );
    return accepted(input.conversationId, eventIds, input.messageId);
  }
}
