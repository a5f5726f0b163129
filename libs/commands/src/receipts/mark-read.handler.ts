import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from '../conversations/conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { MarkReadCommand } from './mark-read.command';

@CommandHandler(MarkReadCommand)
export class MarkReadHandler implements ICommandHandler<MarkReadCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: MarkReadCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'MarkRead', ...input }),
    );
    return accepted(input.conversationId, eventIds);
  }
}
