import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accepted } from '../accepted';
import { conversationPlan } from '../conversations/conversation-plan';
import { MediaAttachments } from '../media/media-attachments';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { DeleteMessageCommand } from './delete-message.command';

@CommandHandler(DeleteMessageCommand)
export class DeleteMessageHandler implements ICommandHandler<DeleteMessageCommand> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(MediaAttachments) private readonly media: MediaAttachments,
  ) {}

  async execute({ actor, input }: DeleteMessageCommand) {
    const { conversationId, messageId } = input;
    const { eventIds } = await this.pipeline.execute(
      conversationPlan(actor, { type: 'DeleteMessage', ...input }),
    );
    // Once the delete is in the log: the object goes, and URLs issued before stop working.
    await this.media.removeForMessage(conversationId, messageId);
    return accepted(conversationId, eventIds, messageId);
  }
}
