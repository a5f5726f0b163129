import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from './conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { RemoveMemberCommand } from './remove-member.command';

@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: RemoveMemberCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'RemoveMember', ...input }),
    );
    return accepted(input.conversationId, eventIds);
  }
}
