import WebSocket from 'ws';
import { ChatClient, type WebSocketFactory } from '@chat/client';
import { waitFor } from '@chat/events/testing';
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
