import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { directConversationId } from '@chat/domain';
import { accepted } from '../accepted';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { CreateDirectConversationCommand } from './create-direct-conversation.command';
import { conversationPlan } from './conversation-plan';

@CommandHandler(CreateDirectConversationCommand)
export class CreateDirectConversationHandler implements ICommandHandler<CreateDirectConversationCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, peerId }: CreateDirectConversationCommand) {
    // The same id whoever asks first: opening it twice names one conversation.
    const conversationId = directConversationId(actor.userId, peerId);
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'CreateDirectConversation', conversationId, peerId }),
    );
    return { ...accepted(conversationId, eventIds), created: eventIds.length > 0 };
  }
}
