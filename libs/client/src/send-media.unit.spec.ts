import type { ClientFrameV2 } from '.';
import { useFakeGateway } from './testing/use-fake-gateway';

const fake = useFakeGateway();
const MEDIA_ID = '0b7e8f0e-3c1a-4f43-9d4c-8a3b8e1f2a10';

/** A fetch that plays the command API and the object store, recording every call. */
function fakeHttp(intentStatus = 201) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    if (url.endsWith('/v1/media/uploads')) {
      return new Response(
        JSON.stringify(
          intentStatus === 201
            ? {
                mediaId: MEDIA_ID,
                upload: {
                  method: 'PUT',
                  url: 'http://store/put',
                  headers: { 'content-type': 'image/png' },
                },
                expiresAt: '',
              }
            : { code: 'media-too-large', detail: 'too big' },
        ),
        { status: intentStatus },
      );
    }
    return new Response('', { status: 200 });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

it('should upload the bytes to the URL it was given, then send a message with the media id', async () => {
  const http = fakeHttp();
  const chat = fake.client({ apiUrl: 'http://api/', fetch: http.fetch });
  await chat.connect();
  const bytes = new Uint8Array([1, 2, 3, 4]);

  const sent = await chat.sendMedia('g', { bytes, contentType: 'image/png' });

  expect(sent.mediaId).toBe(MEDIA_ID);
  expect(http.calls.map((call) => call.url)).toEqual([
    'http://api/v1/media/uploads',
    'http://store/put',
  ]);
  expect(JSON.parse(String(http.calls[0]!.init.body))).toEqual({
    contentType: 'image/png',
    sizeBytes: 4,
  });
  expect(http.calls[1]!.init.body).toBe(bytes);
  const send = fake
    .gateway()
    .received.find((f: ClientFrameV2) => f.type === 'send') as ClientFrameV2 & { mediaId: string };
  expect(send.mediaId).toBe(MEDIA_ID);
});

it('should send no bytes and no message when the upload is refused', async () => {
  const http = fakeHttp(413);
  const chat = fake.client({ apiUrl: 'http://api', fetch: http.fetch });
  await chat.connect();
  await expect(
    chat.sendMedia('g', { bytes: new Uint8Array(10), contentType: 'image/png' }),
  ).rejects.toMatchObject({ code: 'media-too-large' });
  expect(http.calls).toHaveLength(1);
  expect(fake.gateway().received.some((f) => f.type === 'send')).toBe(false);
});
