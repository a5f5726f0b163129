import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from '../conversations/conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { AcknowledgeDeliveredCommand } from './acknowledge-delivered.command';

@CommandHandler(AcknowledgeDeliveredCommand)
export class AcknowledgeDeliveredHandler implements ICommandHandler<AcknowledgeDeliveredCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: AcknowledgeDeliveredCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'AcknowledgeDelivered', ...input }),
    );
    return accepted(input.conversationId, eventIds);
  }
}
