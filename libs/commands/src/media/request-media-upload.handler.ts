import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandConnections } from '../pipeline/command-connections';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { mediaStoreUnavailable, noObjectStore } from './media-attachments';
import { uploadKey } from './media-keys';
import { mediaUploadRequested } from './media-upload-requested';
import { RequestMediaUploadCommand, type UploadIntent } from './request-media-upload.command';
import { checkUpload } from './upload-policy';

@CommandHandler(RequestMediaUploadCommand)
export class RequestMediaUploadHandler implements ICommandHandler<RequestMediaUploadCommand> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(CommandConnections) private readonly connections: CommandConnections,
  ) {}

  async execute({ actor, request }: RequestMediaUploadCommand): Promise<UploadIntent> {
    const { config, objects } = this.connections;
    const mediaId = randomUUID();
    const objectKey = uploadKey(actor.userId, mediaId);
    const contentType = request.contentType.toLowerCase();
    const ttlS = config.media.uploadUrlTtlS;
    const expiresAt = Date.now() + ttlS * 1000;
    // The URL is handed out only once the log knows who owns the media id.
    const { prepared: put } = await this.pipeline.execute({
      actor,
      load: null,
      prepare: {
        run: async () => {
          checkUpload(request, config.media);
          if (!objects) throw noObjectStore();
          return objects
            .presignPut(objectKey, { size: request.sizeBytes, contentType }, ttlS)
            .catch((error: unknown) => {
              throw mediaStoreUnavailable(error);
            });
        },
      },
      decide: (_state, ctx) => [
        mediaUploadRequested(
          {
            mediaId,
            objectKey,
            contentType,
            sizeBytes: request.sizeBytes,
            sha256: request.sha256,
            expiresAt,
          },
          ctx,
        ),
      ],
    });
    return {
      mediaId,
      upload: { method: 'PUT', url: put!.url, headers: put!.headers },
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }
}
