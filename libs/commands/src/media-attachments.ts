import type { Pool } from 'pg';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import type { MediaReference } from '@chat/events';
import type { ObjectStore } from '@chat/storage';
import { InboxStore, INBOX_READER_SCHEMA } from '@chat/views';
import type { Logger } from '@chat/observability';
import { messageMediaKey, thumbnailKey, uploadKey } from './media-keys';
import { refuse, Refusal } from './problem';
import { hasThumbnail, makeThumbnail, THUMBNAIL_CONTENT_TYPE } from './thumbnails';

/** The object store could not be asked: retriable. */
export const mediaStoreUnavailable = (error: unknown) =>
  refuse('media-store-unavailable', `object storage: ${(error as Error).message}`, {
    cause: error,
  });

export interface DownloadUrl {
  url: string;
  contentType: string;
  sizeBytes: number;
  expiresAt: string;
  /** A URL of the same lifetime for the image's WebP thumbnail, or null when it has none. */
  thumbnailUrl: string | null;
}

/**
 * Media on messages, whatever transport carries the command: the checks a send's media
 * passes (the object exists, is the sender's upload, is what the reference says) and its
 * move under the message, and the signed download URL for a member who may see the message.
 */
export class MediaAttachments {
  private readonly views: InboxStore;

  constructor(
    private readonly store: ObjectStore,
    pool: Pool,
    private readonly media: Pick<Config['media'], 'downloadUrlTtlS'>,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {
    this.views = new InboxStore(pool, INBOX_READER_SCHEMA);
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
          throw refuse(
            'media-not-uploaded',
            `no upload ${target.mediaId} of yours is in the store`,
          );
        }
        if (
          expected &&
          (expected.sizeBytes !== found.size ||
            expected.contentType.toLowerCase() !== found.contentType.toLowerCase())
        ) {
          throw refuse('media-mismatch', 'the stored object differs from the reference');
        }
        await this.store.copy(source, destination);
        await this.store.delete(source);
      }
      if (hasThumbnail(found.contentType)) {
        await this.ensureThumbnail(target.conversationId, target.messageId, destination);
      }
      return { objectKey: destination, contentType: found.contentType, sizeBytes: found.size };
    } catch (error) {
      if (error instanceof Refusal) throw error;
      throw mediaStoreUnavailable(error);
    }
  }

  /**
   * A short-lived GET URL for a member who can see the message (from their join seq on).
   * `catchUp` waits for the membership view when the message is not (yet) in it.
   */
  async downloadUrl(
    actor: Principal,
    conversationId: string,
    messageId: string,
    catchUp: () => Promise<boolean>,
  ): Promise<DownloadUrl> {
    let seen = await this.visible(actor, conversationId, messageId);
    if (seen === 'unknown' && (await catchUp())) {
      seen = await this.visible(actor, conversationId, messageId);
    }
    if (seen === 'forbidden') throw refuse('not-a-member', 'you cannot see this message');
    if (seen === 'unknown') throw refuse('message-not-found', 'no such message');
    const key = messageMediaKey(conversationId, messageId);
    const object = await this.store.head(key).catch((error: unknown) => {
      throw mediaStoreUnavailable(error);
    });
    if (!object) throw refuse('media-not-found', 'this message has no media');
    const thumbKey = thumbnailKey(conversationId, messageId);
    const thumbnail = hasThumbnail(object.contentType)
      ? await this.store.head(thumbKey).catch((error: unknown) => {
          throw mediaStoreUnavailable(error);
        })
      : undefined;
    const ttlS = this.media.downloadUrlTtlS;
    return {
      url: await this.store.presignGet(key, ttlS),
      thumbnailUrl: thumbnail ? await this.store.presignGet(thumbKey, ttlS) : null,
      contentType: object.contentType,
      sizeBytes: object.size,
      expiresAt: new Date(Date.now() + ttlS * 1000).toISOString(),
    };
  }

  /**
   * After a delete for everyone: the object and its thumbnail go, and URLs issued before
   * stop working.
   */
  async removeForMessage(conversationId: string, messageId: string): Promise<void> {
    await Promise.all(
      [messageMediaKey(conversationId, messageId), thumbnailKey(conversationId, messageId)].map(
        (key) => this.store.delete(key).catch(() => undefined),
      ),
    );
  }

  /**
   * The image's thumbnail beside it, unless one is there already (a retried send). Bytes
   * that are not a readable image get none: logged, and the send goes on. A store that
   * cannot be reached fails the send (retriable), as for the move.
   */
  private async ensureThumbnail(
    conversationId: string,
    messageId: string,
    original: string,
  ): Promise<void> {
    const key = thumbnailKey(conversationId, messageId);
    if (await this.store.head(key)) return;
    const image = await this.store.get(original);
    if (!image) return;
    let thumbnail: Buffer;
    try {
      thumbnail = await makeThumbnail(image);
    } catch (error) {
      this.logger?.warn(
        { conversationId, messageId, error: (error as Error).message },
        'media is not a readable image: no thumbnail',
      );
      return;
    }
    await this.store.put(key, thumbnail, THUMBNAIL_CONTENT_TYPE);
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
