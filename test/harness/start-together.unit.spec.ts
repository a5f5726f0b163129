import { startTogether } from './start-together';

const started = (name: string, stopped: string[]) => ({
  stop: async () => void stopped.push(name),
});

it('returns what it started, in order', async () => {
  const server = { close: async () => undefined };
  const consumer = started('consumer', []);
  await expect(
    startTogether([Promise.resolve(server), Promise.resolve(consumer)]),
  ).resolves.toEqual([server, consumer]);
});

it('stops what started when another start fails, then throws that failure', async () => {
  const stopped: string[] = [];
  const closed: string[] = [];
  const server = { close: async () => void closed.push('server') };
  const starting = startTogether([
    Promise.resolve(server),
    Promise.reject(new Error('the broker is not ready')),
    Promise.resolve(started('projector', stopped)),
  ]);
  await expect(starting).rejects.toThrow('the broker is not ready');
  expect(closed).toEqual(['server']);
  expect(stopped).toEqual(['projector']);
});
