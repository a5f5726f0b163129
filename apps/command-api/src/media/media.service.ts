import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import {
  mediaStoreUnavailable,
  uploadKey,
  type CommandHandling,
  type EventLog,
} from '@chat/commands';
import type { MediaUploadRequested } from '@chat/events';
import type { ObjectStore } from '@chat/storage';
import { CONFIG, OBJECT_STORE } from '@chat/platform';
import { COMMAND_HANDLING, EVENT_LOG } from '../log/tokens';
import { checkUpload, type UploadRequest } from './upload-policy';

/** Upload intents, and download URLs for members (checks and signing in @chat/commands). */
@Injectable()
export class MediaService {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(COMMAND_HANDLING) private readonly handling: CommandHandling,
  ) {}

  async requestUpload(actor: Principal, request: UploadRequest & { sha256: string | null }) {
    checkUpload(request, this.config.media);
    const mediaId = randomUUID();
    const objectKey = uploadKey(actor.userId, mediaId);
    const contentType = request.contentType.toLowerCase();
    const now = Date.now();
    const ttlS = this.config.media.uploadUrlTtlS;
    const put = await this.store
      .presignPut(objectKey, { size: request.sizeBytes, contentType }, ttlS)
      .catch((error: unknown) => {
        throw mediaStoreUnavailable(error);
      });
    const event: MediaUploadRequested = {
      type: 'MediaUploadRequested',
      envelope: {
        eventId: randomUUID(),
        eventType: 'MediaUploadRequested',
        occurredAt: now,
        actor: { userId: actor.userId, deviceId: actor.deviceId ?? null },
        correlationId: randomUUID(),
        causationId: null,
      },
      mediaId,
      ownerId: actor.userId,
      objectKey,
      contentType,
      sizeBytes: request.sizeBytes,
      sha256: request.sha256,
      expiresAt: now + ttlS * 1000,
    };
    // The URL is handed out only once the log knows who owns the media id.
    await this.log.append([event]);
    return {
      mediaId,
      upload: { method: 'PUT' as const, url: put.url, headers: put.headers },
      expiresAt: new Date(event.expiresAt).toISOString(),
    };
  }

  /** The same URL, authorization and signing as the gateway's `media.url` frame. */
  downloadUrl(actor: Principal, conversationId: string, messageId: string) {
    return this.handling.mediaUrl(actor, conversationId, messageId);
  }
}
