import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from './conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { LeaveConversationCommand } from './leave-conversation.command';

@CommandHandler(LeaveConversationCommand)
export class LeaveConversationHandler implements ICommandHandler<LeaveConversationCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: LeaveConversationCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'LeaveConversation', ...input }),
    );
    return accepted(input.conversationId, eventIds);
  }
}
