import { randomUUID } from 'node:crypto';
import { loadConfig } from '@chat/config';
import { ObjectStore } from './object-store';

/** Against the local stack's s3proxy: what a pre-signed URL lets a client do, and what not. */
describe('the media object store', () => {
  const store = ObjectStore.fromConfig(loadConfig());
  const bytes = Buffer.from('a picture, or so');
  const object = { size: bytes.length, contentType: 'image/png' };

  beforeAll(() => store.ensureBucket());
  afterAll(() => store.close());

  const upload = (url: string, headers: Record<string, string>, body: Buffer) =>
    fetch(url, { method: 'PUT', headers, body });

  it('should store the bytes of a pre-signed PUT and give them back by a pre-signed GET', async () => {
    const key = `test/${randomUUID()}`;
    const put = await store.presignPut(key, object, 60);
    expect((await upload(put.url, put.headers, bytes)).status).toBe(200);
    expect(await store.head(key)).toEqual(object);
    const got = await fetch(await store.presignGet(key, 60));
    expect(Buffer.from(await got.arrayBuffer())).toEqual(bytes);
  });

  it('should refuse an upload larger than the size the URL was signed for', async () => {
    const key = `test/${randomUUID()}`;
    const put = await store.presignPut(key, object, 60);
    const bigger = Buffer.concat([bytes, Buffer.from('!')]);
    const response = await upload(put.url, { 'content-type': object.contentType }, bigger);
    expect(response.status).toBe(403);
    expect(await store.head(key)).toBeUndefined();
  });

  it('should refuse an upload of another content type than the URL was signed for', async () => {
    const key = `test/${randomUUID()}`;
    const put = await store.presignPut(key, object, 60);
    const response = await upload(put.url, { ...put.headers, 'content-type': 'text/html' }, bytes);
    expect(response.status).toBe(403);
    expect(await store.head(key)).toBeUndefined();
  });

  it('should refuse an upload after the URL expired', async () => {
    const key = `test/${randomUUID()}`;
    const put = await store.presignPut(key, object, 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await upload(put.url, put.headers, bytes)).status).toBe(403);
    expect(await store.head(key)).toBeUndefined();
  });

  it('should copy an object whose key holds characters URLs escape', async () => {
    const source = `test/${randomUUID()}/ann%40example.com+1 x`;
    const destination = `test/${randomUUID()}/copy`;
    await store.put(source, bytes, object.contentType);
    await store.copy(source, destination);
    expect(await store.get(destination)).toEqual(bytes);
  });

  it('should make a deleted object unreachable through a URL issued before', async () => {
    const key = `test/${randomUUID()}`;
    const put = await store.presignPut(key, object, 60);
    await upload(put.url, put.headers, bytes);
    const get = await store.presignGet(key, 60);
    await store.delete(key);
    expect((await fetch(get)).status).toBe(404);
  });
});
