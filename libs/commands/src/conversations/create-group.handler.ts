import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { CreateGroupCommand } from './create-group.command';
import { conversationPlan } from './conversation-plan';

@CommandHandler(CreateGroupCommand)
export class CreateGroupHandler implements ICommandHandler<CreateGroupCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, group }: CreateGroupCommand) {
    const conversationId = `group-${randomUUID()}`;
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'CreateGroup', conversationId, ...group }),
    );
    return accepted(conversationId, eventIds);
  }
}
