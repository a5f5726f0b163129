import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from './conversation-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { ChangeMemberRoleCommand } from './change-member-role.command';

@CommandHandler(ChangeMemberRoleCommand)
export class ChangeMemberRoleHandler implements ICommandHandler<ChangeMemberRoleCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, input }: ChangeMemberRoleCommand) {
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'ChangeRole', ...input }),
    );
    return accepted(input.conversationId, eventIds);
  }
}
