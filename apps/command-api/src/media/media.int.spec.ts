import { createHash, randomUUID } from 'node:crypto';
import { TOPICS, type MediaUploadRequested } from '@chat/events';
import { eventLogFixture, waitFor } from '@chat/events/testing';
import { startCommandApi, type CommandApi } from '../../../../test/harness/command-api';
import { startEventRecorder, type EventRecorder } from '../../../../test/harness/event-recorder';
import { startInboxProjector } from '../../../../test/harness/inbox-projector';
import { messageMediaKey, THUMBNAIL_BOX_PX, thumbnailKey, uploadKey } from '@chat/commands';
import { messageIdFor } from '@chat/domain';
import sharp from 'sharp';
import type { ObjectStore } from '@chat/storage';
import { OBJECT_STORE } from '@chat/platform';
import { UploadSweeper } from './upload-sweeper';
import { startTogether } from '../../../../test/harness/start-together';

/** Media by pre-signed URL against the local stack's object store (s3proxy). */
const { config, logger, kafka, registryUrl } = eventLogFixture('command-api-media');
const run = randomUUID().slice(0, 8);
const user = (name: string) => `${name}-${run}`;
const MAX_BYTES = 64 * 1024;

let api: CommandApi;
let log: EventRecorder;
let projector: Awaited<ReturnType<typeof startInboxProjector>>;

beforeAll(async () => {
  [api, log, projector] = await startTogether([
    startCommandApi({
      CHAT_RATE_LIMIT_PER_SECOND: '1000',
      CHAT_RATE_LIMIT_BURST: '1000',
      CHAT_MEDIA_TYPES: 'image/png,application/octet-stream',
      CHAT_MEDIA_MAX_BYTES: String(MAX_BYTES),
    }),
    startEventRecorder(kafka, registryUrl, TOPICS.media),
    startInboxProjector(config, kafka, logger),
  ]);
});

afterAll(async () => {
  await Promise.all([api.close(), log.stop(), projector.stop()]);
});

type Client = Awaited<ReturnType<CommandApi['as']>>;

const memberVisible = (conversationId: string, userId: string) =>
  waitFor(`${userId} in ${conversationId}`, async () => {
    const { rows } = await projector.pool.query(
      'SELECT 1 FROM inbox.memberships WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, userId],
    );
    return rows.length > 0 ? true : undefined;
  });

async function directBetween(a: Client, b: Client): Promise<string> {
  const created = await a.post('/v1/conversations/direct', { peerId: b.userId });
  expect([200, 202]).toContain(created.status);
  await memberVisible(created.body.conversationId, b.userId);
  return created.body.conversationId;
}

async function upload(client: Client, bytes: Buffer, contentType = 'image/png') {
  const intent = await client.post('/v1/media/uploads', { contentType, sizeBytes: bytes.length });
  expect(intent.status).toBe(201);
  const put = await fetch(intent.body.upload.url, {
    method: 'PUT',
    headers: intent.body.upload.headers,
    body: bytes,
  });
  expect(put.status).toBe(200);
  return intent.body.mediaId as string;
}

const mediaOf = (client: Client, conversationId: string, messageId: string) =>
  client.send('GET', `/v1/conversations/${conversationId}/messages/${messageId}/media`);

describe('media messages', () => {
  it('should let the receiver download the same bytes the sender uploaded', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const conversationId = await directBetween(alice, bob);
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    const mediaId = await upload(alice, bytes);

    const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'photo-1',
      mediaId,
    });
    expect(sent.status).toBe(202);

    const link = await waitFor('the download URL', async () => {
      const response = await mediaOf(bob, conversationId, sent.body.messageId);
      return response.status === 200 ? response : undefined;
    });
    expect(link.body).toMatchObject({ contentType: 'image/png', sizeBytes: bytes.length });
    const downloaded = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });

  it('should send media uploaded by a user whose id is an email address', async () => {
    const ann = await api.as(`ann-${run}@example.com`);
    const bob = await api.as(user('bob'));
    const conversationId = await directBetween(ann, bob);
    const mediaId = await upload(ann, Buffer.from('from ann'));
    const sent = await ann.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'ann-photo',
      mediaId,
    });
    expect(sent.status).toBe(202);
    const link = await waitFor('the download URL', async () => {
      const response = await mediaOf(bob, conversationId, sent.body.messageId);
      return response.status === 200 ? response : undefined;
    });
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).toString()).toBe(
      'from ann',
    );
  });

  it('should refuse the media send of a non-member before touching the store: no copy, no thumbnail, the upload left as it was', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const mallory = await api.as(user('mallory'));
    const conversationId = await directBetween(alice, bob);
    const image = await sharp({
      create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .png()
      .toBuffer();
    const mediaId = await upload(mallory, image);
    const sent = await mallory.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'intrusion',
      mediaId,
    });
    expect([sent.status, sent.body.code]).toEqual([403, 'not-a-member']);
    const objects = api.app.get<ObjectStore>(OBJECT_STORE);
    const messageId = messageIdFor(mallory.userId, 'intrusion');
    expect(await objects.head(messageMediaKey(conversationId, messageId))).toBeUndefined();
    expect(await objects.head(thumbnailKey(conversationId, messageId))).toBeUndefined();
    expect(await objects.head(uploadKey(mallory.userId, mediaId))).toBeDefined();
  });

  it('should record who owns an upload in the log before the URL is issued', async () => {
    const alice = await api.as(user('owner'));
    const intent = await alice.post('/v1/media/uploads', {
      contentType: 'image/png',
      sizeBytes: 10,
      sha256: 'a'.repeat(64),
    });
    const [event] = await log.waitFor(
      'the upload intent',
      (e) => e.type === 'MediaUploadRequested' && e.mediaId === intent.body.mediaId,
    );
    expect(event as MediaUploadRequested).toMatchObject({
      ownerId: alice.userId,
      contentType: 'image/png',
      sizeBytes: 10,
      sha256: 'a'.repeat(64),
    });
  });

  it('should refuse a type not allowed and a size over the limit with 400 naming the field, before any URL', async () => {
    const alice = await api.as(user('alice'));
    const wrongType = await alice.post('/v1/media/uploads', {
      contentType: 'text/html',
      sizeBytes: 10,
    });
    const tooBig = await alice.post('/v1/media/uploads', {
      contentType: 'image/png',
      sizeBytes: MAX_BYTES + 1,
    });
    // The document enumerates the allowed types and states the limit, so both are malformed.
    expect([wrongType.status, wrongType.body.errors[0].path]).toEqual([400, 'body.contentType']);
    expect([tooBig.status, tooBig.body.errors[0].path]).toEqual([400, 'body.sizeBytes']);
    expect(wrongType.body.upload).toBeUndefined();
    expect(tooBig.body.upload).toBeUndefined();
  });

  it('should refuse at the store an upload bigger than the intent or of another type', async () => {
    const alice = await api.as(user('alice'));
    const intent = await alice.post('/v1/media/uploads', {
      contentType: 'image/png',
      sizeBytes: 4,
    });
    const { url, headers } = intent.body.upload;
    const bigger = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from('12345'),
    });
    const otherType = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'text/html' },
      body: Buffer.from('1234'),
    });
    expect([bigger.status, otherType.status]).toEqual([403, 403]);
  });

  it('should refuse an upload URL once it expired', async () => {
    const short = await startCommandApi({ CHAT_MEDIA_UPLOAD_URL_TTL_S: '1' });
    try {
      const alice = await short.as(user('late'));
      const intent = await alice.post('/v1/media/uploads', {
        contentType: 'image/png',
        sizeBytes: 4,
      });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const put = await fetch(intent.body.upload.url, {
        method: 'PUT',
        headers: intent.body.upload.headers,
        body: Buffer.from('1234'),
      });
      expect(put.status).toBe(403);
    } finally {
      await short.close();
    }
  });

  it('should refuse a message whose media was never uploaded, or was uploaded by someone else', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const conversationId = await directBetween(alice, bob);
    const bobs = await upload(bob, Buffer.from('bob'));
    const notUploaded = await alice.post('/v1/media/uploads', {
      contentType: 'image/png',
      sizeBytes: 3,
    });
    for (const [clientMessageId, mediaId] of [
      ['steal', bobs],
      ['missing', notUploaded.body.mediaId],
    ]) {
      const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
        clientMessageId,
        mediaId,
      });
      expect([sent.status, sent.body.code]).toEqual([409, 'media-not-uploaded']);
    }
  });

  it('should refuse a message whose upload is not the size or type it claims', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const conversationId = await directBetween(alice, bob);
    const mediaId = await upload(alice, Buffer.from('four'));
    const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'claims',
      mediaId,
      media: { objectKey: 'ignored', contentType: 'image/png', sizeBytes: 5 },
    });
    expect([sent.status, sent.body.code]).toEqual([409, 'media-mismatch']);
  });

  it('should carry client-side encrypted media as opaque bytes', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const conversationId = await directBetween(alice, bob);
    const sealed = Buffer.from(Array.from({ length: 512 }, () => Math.floor(Math.random() * 256)));
    const mediaId = await upload(alice, sealed, 'application/octet-stream');
    const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'sealed',
      mediaId,
      ciphertext: { algorithm: 'signal', data: Buffer.from('key+nonce').toString('base64') },
    });
    expect(sent.status).toBe(202);
    const link = await waitFor('the download URL', async () => {
      const response = await mediaOf(bob, conversationId, sent.body.messageId);
      return response.status === 200 ? response : undefined;
    });
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer())).toEqual(sealed);
  });

  it('should not give a non-member a URL', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const mallory = await api.as(user('mallory'));
    const conversationId = await directBetween(alice, bob);
    const mediaId = await upload(alice, Buffer.from('private'));
    const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'private',
      mediaId,
    });
    await waitFor('the message in the view', async () =>
      (await mediaOf(bob, conversationId, sent.body.messageId)).status === 200 ? true : undefined,
    );
    const refused = await mediaOf(mallory, conversationId, sent.body.messageId);
    expect(refused.status).toBe(403);
  });

  it('should make a message deleted for everyone lose its media, even through URLs issued before', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const conversationId = await directBetween(alice, bob);
    const mediaId = await upload(alice, Buffer.from('regret'));
    const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'regret',
      mediaId,
    });
    const link = await waitFor('the download URL', async () => {
      const response = await mediaOf(bob, conversationId, sent.body.messageId);
      return response.status === 200 ? response : undefined;
    });
    const deleted = await alice.delete(
      `/v1/conversations/${conversationId}/messages/${sent.body.messageId}`,
    );
    expect(deleted.status).toBe(202);
    expect((await fetch(link.body.url)).status).toBe(404);
    const after = await waitFor('the deletion in the view', async () => {
      const response = await mediaOf(bob, conversationId, sent.body.messageId);
      return response.status === 404 ? response : undefined;
    });
    expect(after.status).toBe(404);
  });

  it('should remove uploads never referenced after the configured time, and keep sent ones', async () => {
    const alice = await api.as(user('alice'));
    const bob = await api.as(user('bob'));
    const conversationId = await directBetween(alice, bob);
    const orphan = await upload(alice, Buffer.from('forgotten'));
    const kept = await upload(alice, Buffer.from('sent'));
    const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'kept',
      mediaId: kept,
    });
    expect(sent.status).toBe(202);

    const sweeper = api.app.get(UploadSweeper);
    expect(await sweeper.sweep(Date.now() - 60_000)).not.toContain(uploadKey(alice.userId, orphan));
    const removed = await sweeper.sweep(Date.now() + api.config.media.unreferencedTtlMs + 1000);
    expect(removed).toContain(uploadKey(alice.userId, orphan));

    const late = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'too-late',
      mediaId: orphan,
    });
    expect(late.status).toBe(409);
    const link = await waitFor('the download URL', async () => {
      const response = await mediaOf(bob, conversationId, sent.body.messageId);
      return response.status === 200 ? response : undefined;
    });
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).toString()).toBe('sent');
  });

  describe('thumbnails', () => {
    const objects = () => api.app.get<ObjectStore>(OBJECT_STORE);
    const png = (width: number, height: number) =>
      sharp({
        create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } },
      })
        .png()
        .toBuffer();

    async function sendAndLink(
      alice: Client,
      bob: Client,
      conversationId: string,
      clientMessageId: string,
      mediaId: string,
      extra: Record<string, unknown> = {},
    ) {
      const sent = await alice.post(`/v1/conversations/${conversationId}/messages`, {
        clientMessageId,
        mediaId,
        ...extra,
      });
      expect(sent.status).toBe(202);
      const link = await waitFor('the download URL', async () => {
        const response = await mediaOf(bob, conversationId, sent.body.messageId);
        return response.status === 200 ? response : undefined;
      });
      return { messageId: sent.body.messageId as string, link: link.body };
    }

    it('should give a member a WebP thumbnail of an uploaded image, within the box', async () => {
      const alice = await api.as(user('alice'));
      const bob = await api.as(user('bob'));
      const conversationId = await directBetween(alice, bob);
      const mediaId = await upload(alice, await png(1200, 800));
      const { messageId, link } = await sendAndLink(alice, bob, conversationId, 'pic', mediaId);

      expect(link.thumbnailUrl).toEqual(expect.any(String));
      const thumb = await fetch(link.thumbnailUrl);
      expect(thumb.status).toBe(200);
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.width).toBeLessThanOrEqual(THUMBNAIL_BOX_PX);
      expect(meta.height).toBeLessThanOrEqual(THUMBNAIL_BOX_PX);
      expect([meta.width, meta.height]).toEqual([320, 213]);
      expect(await objects().head(thumbnailKey(conversationId, messageId))).toMatchObject({
        contentType: 'image/webp',
      });

      const retried = await alice.post(`/v1/conversations/${conversationId}/messages`, {
        clientMessageId: 'pic',
        mediaId,
      });
      expect(retried.status).toBe(202);
      expect((await mediaOf(bob, conversationId, messageId)).body.thumbnailUrl).toEqual(
        expect.any(String),
      );
    });

    it('should make no thumbnail for encrypted media', async () => {
      const alice = await api.as(user('alice'));
      const bob = await api.as(user('bob'));
      const conversationId = await directBetween(alice, bob);
      const mediaId = await upload(alice, await png(400, 400), 'application/octet-stream');
      const { messageId, link } = await sendAndLink(
        alice,
        bob,
        conversationId,
        'sealed-image',
        mediaId,
        {
          ciphertext: { algorithm: 'signal', data: Buffer.from('key').toString('base64') },
        },
      );
      expect(link.thumbnailUrl).toBeNull();
      expect(await objects().head(thumbnailKey(conversationId, messageId))).toBeUndefined();
    });

    it("should remove a message's thumbnail when it is deleted for everyone", async () => {
      const alice = await api.as(user('alice'));
      const bob = await api.as(user('bob'));
      const conversationId = await directBetween(alice, bob);
      const mediaId = await upload(alice, await png(640, 480));
      const { messageId, link } = await sendAndLink(alice, bob, conversationId, 'gone', mediaId);
      expect((await fetch(link.thumbnailUrl)).status).toBe(200);
      const deleted = await alice.delete(
        `/v1/conversations/${conversationId}/messages/${messageId}`,
      );
      expect(deleted.status).toBe(202);
      expect((await fetch(link.thumbnailUrl)).status).toBe(404);
      expect(await objects().head(thumbnailKey(conversationId, messageId))).toBeUndefined();
    });

    it('should still send a corrupt image, without a thumbnail', async () => {
      const alice = await api.as(user('alice'));
      const bob = await api.as(user('bob'));
      const conversationId = await directBetween(alice, bob);
      const corrupt = Buffer.concat([(await png(300, 300)).subarray(0, 40), Buffer.alloc(200, 7)]);
      const mediaId = await upload(alice, corrupt);
      const { messageId, link } = await sendAndLink(alice, bob, conversationId, 'bad', mediaId);
      expect(link).toMatchObject({ contentType: 'image/png', sizeBytes: corrupt.length });
      expect(link.thumbnailUrl).toBeNull();
      expect(await objects().head(thumbnailKey(conversationId, messageId))).toBeUndefined();
    });
  });
});
