import { Redis } from 'ioredis';
import { ensureDebianPackages } from '../installers';
import type { ServiceDefinition } from '../service';

const BINARY = '/usr/bin/redis-server';

export const redis: ServiceDefinition = {
  name: 'redis',
  after: [],
  needsJava: false,
  readyTimeoutMs: 20000,
  external: (config) => config.redis.external,
  ports: (config) => [config.stack.ports.redis],
  address: (config) => config.redis.value,

  async install() {
    ensureDebianPackages({ 'redis-server': BINARY });
  },

  async prepare(config, paths) {
    return {
      command: BINARY,
      // Append-only on: presence and rate-limit state should survive a restart of Redis.
      args: [
        '--port',
        String(config.stack.ports.redis),
        '--bind',
        '127.0.0.1',
        '--dir',
        paths.data('redis'),
        '--save',
        '',
        '--appendonly',
        'yes',
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
      ],
    };
  },

  async probe(config) {
    const client = new Redis(config.redis.value, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
    });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  },
};
