import WebSocket from 'ws';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import { waitFor } from '@chat/events/testing';
import { rawSocket } from '../harness/raw-socket';
import { usePipeline, type Pipeline } from './fixture';

/** Media end to end with the SDK: sendMedia on one gateway, a download URL on the other. */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
const clients: ChatClient[] = [];
beforeAll(() => {
  pipeline = pipelineOf();
});
afterAll(() => {
  for (const client of clients) client.close();
});

async function sdkClient(gateway: number, userId: string) {
  const chat = new ChatClient({
    url: pipeline.gateways[gateway]!.url,
    token: await pipeline.gateways[gateway]!.token(userId, 'phone'),
    WebSocket: WebSocket as unknown as WebSocketFactory,
    apiUrl: pipeline.api.baseUrl,
  });
  clients.push(chat);
  await chat.connect();
  return chat;
}

/** An upload by `userId` over HTTP: the intent, then the PUT to the signed URL. */
async function uploadAs(userId: string, bytes: Uint8Array, contentType = 'image/png') {
  const intent = await (
    await pipeline.api.as(userId)
  ).post('/v1/media/uploads', { contentType, sizeBytes: bytes.length });
  expect(intent.status).toBe(201);
  const put = await fetch(intent.body.upload.url, {
    method: 'PUT',
    headers: intent.body.upload.headers,
    body: bytes,
  });
  expect(put.status).toBe(200);
  return intent.body.mediaId as string;
}

async function directWithSocket(sender: string, peer: string) {
  const created = await (
    await pipeline.api.as(sender)
  ).post('/v1/conversations/direct', { peerId: peer });
  const conversationId = created.body.conversationId as string;
  const gateway = pipeline.gateways[0]!;
  const socket = await rawSocket(gateway.url, await gateway.token(sender, 'phone'));
  await socket.next('synced');
  await waitFor('the conversation projected', async () => {
    const answer = await socket.request({ type: 'history', conversationId });
    return answer.type === 'result' ? true : undefined;
  });
  return { conversationId, socket };
}

it("should refuse a WebSocket send that carries another user's upload, and leave the upload to its owner", async () => {
  const thief = pipeline.user('media-thief');
  const owner = pipeline.user('media-owner');
  const bytes = new Uint8Array(64).fill(9);
  const mediaId = await uploadAs(owner, bytes);
  const { conversationId, socket } = await directWithSocket(thief, owner);

  expect(
    await socket.request({
      type: 'send',
      conversationId,
      clientMessageId: 'steal-1',
      mediaId,
      media: { objectKey: 'ignored', contentType: 'image/png', sizeBytes: bytes.length },
    }),
  ).toMatchObject({ type: 'error', code: 'media-not-uploaded' });
  expect(
    await socket.request({ type: 'send', conversationId, clientMessageId: 'steal-2', mediaId }),
  ).toMatchObject({ type: 'error', code: 'media-not-uploaded' });

  // Still the owner's, under their uploads: they can send it.
  const sent = await (
    await pipeline.api.as(owner)
  ).post(`/v1/conversations/${conversationId}/messages`, { clientMessageId: 'own-1', mediaId });
  expect(sent.status).toBe(202);
  socket.ws.close();
}, 60000);

it('should refuse a WebSocket send that names media without an upload', async () => {
  const sender = pipeline.user('media-no-upload');
  const { conversationId, socket } = await directWithSocket(sender, pipeline.user('media-peer'));

  expect(
    await socket.request({
      type: 'send',
      conversationId,
      clientMessageId: 'raw-media-1',
      media: {
        objectKey: `conversations/${conversationId}/anything`,
        contentType: 'image/png',
        sizeBytes: 10,
      },
    }),
  ).toMatchObject({ type: 'error', code: 'media-needs-upload' });
  socket.ws.close();
}, 60000);

it('should let a member download through the gateway the file another sent with sendMedia, and refuse a non-member', async () => {
  const alice = pipeline.user('media-sender');
  const bob = pipeline.user('media-receiver');
  const created = await (
    await pipeline.api.as(alice)
  ).post('/v1/conversations/direct', { peerId: bob });
  const conversationId = created.body.conversationId as string;
  const sender = await sdkClient(0, alice);
  const receiver = await sdkClient(1, bob);
  const outsider = await sdkClient(1, pipeline.user('media-outsider'));
  const bytes = new Uint8Array(Array.from({ length: 2048 }, (_, i) => (i * 7) % 256));

  const sent = await waitFor('the conversation in the view', () =>
    sender.sendMedia(conversationId, { bytes, contentType: 'image/png' }).catch(() => undefined),
  );

  const link = await waitFor('the download URL', () =>
    receiver.mediaUrl(conversationId, sent.messageId).catch(() => undefined),
  );
  expect(link).toMatchObject({ contentType: 'image/png', sizeBytes: bytes.length });
  const downloaded = new Uint8Array(await (await fetch(link.url)).arrayBuffer());
  expect(Buffer.from(downloaded).equals(Buffer.from(bytes))).toBe(true);

  await expect(outsider.mediaUrl(conversationId, sent.messageId)).rejects.toMatchObject({
    code: 'not-a-member',
  });
}, 60000);
