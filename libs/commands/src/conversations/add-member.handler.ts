import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from './conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { AddMemberCommand } from './add-member.command';

@CommandHandler(AddMemberCommand)
export class AddMemberHandler implements ICommandHandler<AddMemberCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: AddMemberCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'AddMember', ...input }),
    );
    return accepted(input.conversationId, eventIds);
  }
}
