import WebSocket from 'ws';
import { CLOSE_CODES, PROTOCOL_VERSION } from '@chat/protocol';
import { usePipeline, type Pipeline } from './fixture';

/**
 * Bad input at the socket: an error frame for a mistake, a close with code and reason for the
 * abusive or unauthenticated, and nobody else affected.
 */
const pipelineOf = usePipeline();
let pipeline: Pipeline;
beforeAll(() => {
  pipeline = pipelineOf();
});

/** A raw socket that records frames and how it closed. */
async function rawSocket(token: string | null, hello = true) {
  const gateway = pipeline.gateways[0];
  const url = token ? `${gateway.url}?access_token=${encodeURIComponent(token)}` : gateway.url;
  const ws = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (hello) ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, cursors: {} }));
  const next = async (type: string) => {
    for (let i = 0; i < 200; i++) {
      const found = frames.find((f) => f.type === type);
      if (found) {
        frames.splice(frames.indexOf(found), 1);
        return found;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no ${type} frame; got ${JSON.stringify(frames)}`);
  };
  return { ws, frames, closed, next };
}

it('answers mistakes with error frames and keeps the connection', async () => {
  const socket = await rawSocket(await pipeline.gateways[0].token(pipeline.user('tidy')));
  await socket.next('synced');
  socket.ws.send('this is not json');
  expect(await socket.next('error')).toMatchObject({ code: 'bad-frame' });
  socket.ws.send(JSON.stringify({ type: 'teleport', id: 'r1' }));
  expect(await socket.next('error')).toMatchObject({ id: 'r1', code: 'unknown-type' });
  socket.ws.send(JSON.stringify({ type: 'history', id: 'r2', conversationId: 'bad id!' }));
  expect(await socket.next('error')).toMatchObject({ id: 'r2', code: 'invalid-frame' });
  socket.ws.send(
    JSON.stringify({ type: 'history', id: 'r3', conversationId: `nope-${pipeline.user('x')}` }),
  );
  expect(await socket.next('error')).toMatchObject({ id: 'r3', code: 'not-a-member' });
  socket.ws.send(JSON.stringify({ type: 'inbox', id: 'r4' }));
  expect(await socket.next('result')).toMatchObject({ id: 'r4', result: { items: [] } });
  socket.ws.close();
});

it('closes the abusive and the unauthenticated with a code and a reason, and only them', async () => {
  const bystander = await rawSocket(await pipeline.gateways[0].token(pipeline.user('bystander')));
  await bystander.next('synced');

  const flooder = await rawSocket(await pipeline.gateways[0].token(pipeline.user('flooder')));
  await flooder.next('synced');
  for (let i = 0; i < 30; i++) flooder.ws.send('{');
  expect(await flooder.closed).toEqual({
    code: CLOSE_CODES.abusive,
    reason: 'too many bad frames',
  });

  const giant = await rawSocket(await pipeline.gateways[0].token(pipeline.user('giant')));
  await giant.next('synced');
  giant.ws.send(JSON.stringify({ type: 'inbox', padding: 'x'.repeat(128 * 1024) }));
  expect((await giant.closed).code).toBe(CLOSE_CODES.tooBig);

  const anonymous = await rawSocket(null, false);
  expect(await anonymous.closed).toEqual({
    code: CLOSE_CODES.unauthorized,
    reason: 'missing-token',
  });
  const forged = await rawSocket(
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl',
    false,
  );
  expect((await forged.closed).code).toBe(CLOSE_CODES.unauthorized);

  const rude = await rawSocket(await pipeline.gateways[0].token(pipeline.user('rude')), false);
  rude.ws.send(JSON.stringify({ type: 'inbox' }));
  expect(await rude.closed).toEqual({
    code: CLOSE_CODES.noHello,
    reason: 'the first frame must be hello',
  });

  const future = await rawSocket(await pipeline.gateways[0].token(pipeline.user('future')), false);
  future.ws.send(JSON.stringify({ type: 'hello', v: 99, cursors: {} }));
  expect((await future.closed).code).toBe(CLOSE_CODES.unsupportedVersion);

  // The bystander never noticed.
  bystander.ws.send(JSON.stringify({ type: 'inbox', id: 'still-here' }));
  expect(await bystander.next('result')).toMatchObject({ id: 'still-here' });
  bystander.ws.close();
});
