import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ViewsCatchUp } from '../pipeline/views-catch-up';
import { IssueMediaDownloadUrlCommand } from './issue-media-download-url.command';
import { MediaAttachments } from './media-attachments';

/**
 * Signs a URL and appends nothing, so it takes no step of the pipeline but its catch-up: a
 * message not (yet) in the membership view is looked for again once the view caught up.
 */
@CommandHandler(IssueMediaDownloadUrlCommand)
export class IssueMediaDownloadUrlHandler implements ICommandHandler<IssueMediaDownloadUrlCommand> {
  constructor(
    @Inject(MediaAttachments) private readonly media: MediaAttachments,
    @Inject(ViewsCatchUp) private readonly views: ViewsCatchUp,
  ) {}

  execute({ actor, conversationId, messageId }: IssueMediaDownloadUrlCommand) {
    return this.media.downloadUrl(actor, conversationId, messageId, () => this.views.caughtUp());
  }
}
