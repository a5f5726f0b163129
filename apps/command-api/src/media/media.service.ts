import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import type { MediaReference, MediaUploadRequested } from '@chat/events';
import type { ObjectStore } from '@chat/storage';
import { InboxStore, INBOX_READER_SCHEMA } from '@chat/views';
import { CONFIG } from '../auth/dev-tokens.controller';
import { CommandPipeline, PG_POOL } from '../conversations/command-pipeline';
import { problem } from '../http/problem';
import { EVENT_LOG, type EventLog } from '../log/event-log';
import { messageMediaKey, uploadKey } from './media-keys';
import { checkUpload, type UploadRequest } from './upload-policy';

export const OBJECT_STORE = Symbol('OBJECT_STORE');

const storeUnavailable = (error: unknown) =>
  problem(
    503,
    'media-store-unavailable',
    `object storage: ${(error as Error).message}`,
    {},
    {
      'Retry-After': '2',
    },
  );

/** Upload intents, the checks a media message passes, and download URLs for members. */
@Injectable()
export class MediaService {
  private readonly views: InboxStore;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(PG_POOL) pool: Pool,
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
  ) {
    this.views = new InboxStore(pool, INBOX_READER_SCHEMA);
  }

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
        throw storeUnavailable(error);
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

  /**
   * The sender's upload, checked and moved under the message, as the message's reference.
   * A retry of the same send finds it already moved.
   */
  async attach(
    actor: Principal,
    target: { conversationId: string; messageId: string; mediaId: string },
    expected: { contentType: string; sizeBytes: number } | null,
  ): Promise<MediaReference> {
    const destination = messageMediaKey(target.conversationId, target.messageId);
    const source = uploadKey(actor.userId, target.mediaId);
    try {
      let found = await this.store.head(destination);
      if (!found) {
        found = await this.store.head(source);
        if (!found) {
          throw problem(
            409,
            'media-not-uploaded',
            `no upload ${target.mediaId} of yours is in the store`,
          );
        }
        if (
          expected &&
          (expected.sizeBytes !== found.size ||
            expected.contentType.toLowerCase() !== found.contentType.toLowerCase())
        ) {
          throw problem(409, 'media-mismatch', 'the stored object differs from the reference');
        }
        await this.store.client.send(
          new CopyObjectCommand({
            Bucket: this.store.bucket,
            Key: destination,
            CopySource: `${this.store.bucket}/${source}`,
          }),
        );
        await this.store.delete(source);
      }
      return { objectKey: destination, contentType: found.contentType, sizeBytes: found.size };
    } catch (error) {
      if (error instanceof Error && error.name === 'ProblemException') throw error;
      throw storeUnavailable(error);
    }
  }

  /** A short-lived GET URL for a member who can see the message (from their join seq on). */
  async downloadUrl(actor: Principal, conversationId: string, messageId: string) {
    let seen = await this.visible(actor, conversationId, messageId);
    if (seen === 'unknown' && (await this.pipeline.catchUp())) {
      seen = await this.visible(actor, conversationId, messageId);
    }
    if (seen === 'forbidden') throw problem(403, 'not-a-member', 'you cannot see this message');
    if (seen === 'unknown') throw problem(404, 'message-not-found', 'no such message');
    const key = messageMediaKey(conversationId, messageId);
    const object = await this.store.head(key).catch((error: unknown) => {
      throw storeUnavailable(error);
    });
    if (!object) throw problem(404, 'media-not-found', 'this message has no media');
    const ttlS = this.config.media.downloadUrlTtlS;
    return {
      url: await this.store.presignGet(key, ttlS),
      contentType: object.contentType,
      sizeBytes: object.size,
      expiresAt: new Date(Date.now() + ttlS * 1000).toISOString(),
    };
  }

  /** After a delete for everyone: the object goes, and URLs issued before stop working. */
  async removeForMessage(conversationId: string, messageId: string): Promise<void> {
    await this.store.delete(messageMediaKey(conversationId, messageId)).catch(() => undefined);
  }

  private async visible(
    actor: Principal,
    conversationId: string,
    messageId: string,
  ): Promise<'visible' | 'forbidden' | 'unknown'> {
    const state = await this.views.decisionState({
      conversationId,
      memberIds: [actor.userId],
      messageId,
      sentBy: null,
    });
    const member = state.conversation?.members.get(actor.userId);
    if (!state.conversation) return 'unknown';
    if (!member) return 'forbidden';
    if (!state.message || state.message.deleted) return 'unknown';
    return state.message.seq >= member.joinedSeq ? 'visible' : 'forbidden';
  }
}
