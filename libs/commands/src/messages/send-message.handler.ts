import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import { decide, decisionQueryOf, messageIdFor } from '@chat/domain';
import type { ConversationEvent, MediaReference } from '@chat/events';
import { bytesOf } from '../bytes';
import { MediaAttachments } from '../media/media-attachments';
import { messageMediaKey } from '../media/media-keys';
import type { CommandPlan } from '../pipeline/command-plan';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { refuse } from '../problem';
import { sendClaimOf, type SendMessage } from './send-claim';
import {
  SendMessageCommand,
  type SendMessageInput,
  type SentMessage,
} from './send-message.command';

/** The content type a media send is decided with before its upload is looked at. */
const UNKNOWN_CONTENT_TYPE = 'application/octet-stream';

@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(MediaAttachments) private readonly media: MediaAttachments,
  ) {}

  async execute({ actor, conversationId, message }: SendMessageCommand): Promise<SentMessage> {
    const { mediaId, ...content } = message;
    // Media is referenced by mediaId only: the server never trusts a client's object key.
    if (content.media && !mediaId) {
      throw refuse('media-needs-upload', 'media is referenced by mediaId, from an upload');
    }
    const command: SendMessage = {
      type: 'SendMessage',
      conversationId,
      messageId: messageIdFor(actor.userId, content.clientMessageId),
      ...content,
      ciphertext: bytesOf(content.ciphertext),
      media: null,
    };
    const { eventIds, replayed } = await this.pipeline.execute(
      this.plan(actor, command, mediaId, content.media),
    );
    return {
      accepted: { conversationId, messageId: command.messageId, eventIds },
      replayed,
    };
  }

  private plan(
    actor: Principal,
    command: SendMessage,
    mediaId: string | null,
    expected: SendMessageInput['media'],
  ): CommandPlan<ConversationEvent, MediaReference> {
    const withMedia = (media: MediaReference | undefined): SendMessage =>
      media ? { ...command, kind: 'MEDIA', media } : command;
    const { conversationId, messageId } = command;
    return {
      actor,
      admission: { orderKey: JSON.stringify([actor.userId, conversationId]) },
      load: decisionQueryOf(actor.userId, command),
      // The upload, checked and moved under the message, once the send is known to be allowed:
      // a send refused (a non-member, a reply to nothing) leaves no copy or thumbnail under a
      // conversation it may not write to.
      ...(mediaId
        ? {
            prepare: {
              probe: {
                objectKey: messageMediaKey(conversationId, messageId),
                contentType: expected?.contentType ?? UNKNOWN_CONTENT_TYPE,
                sizeBytes: expected?.sizeBytes ?? 0,
              },
              run: () => this.media.attach(actor, { conversationId, messageId, mediaId }, expected),
            },
          }
        : {}),
      decide: (state, ctx, media) => {
        const decision = decide(withMedia(media), state, ctx);
        if (!decision.ok) throw decision.error;
        return decision.events;
      },
      once: (media) => sendClaimOf(actor.userId, withMedia(media)),
    };
  }
}
