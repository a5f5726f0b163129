import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { DownloadUrl } from './media-attachments';

/** A short-lived download URL for a message's media, for a member who may see the message. */
export class IssueMediaDownloadUrlCommand extends Command<DownloadUrl> {
  constructor(
    readonly actor: Principal,
    readonly conversationId: string,
    readonly messageId: string,
  ) {
    super();
  }
}
