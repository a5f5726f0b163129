import type { AppConnections } from './dependency-checks';
import { dependencyChecks } from './dependency-checks';

/** Stand-ins for the app's clients: only what a check calls. */
function connections(redisStatus: string): AppConnections {
  return {
    pool: { query: async () => ({ rows: [] }) },
    redis: { status: redisStatus, ping: async () => 'PONG' },
    cassandra: { execute: async () => ({ rows: [] }) },
  } as unknown as AppConnections;
}

describe('dependency checks', () => {
  it("should check each dependency asked for, by name, through the app's own clients", async () => {
    const checks = dependencyChecks(connections('ready'), ['postgres', 'redis', 'cassandra']);
    expect(checks.map((check) => check.name)).toEqual(['postgres', 'redis', 'cassandra']);
    await Promise.all(checks.map((check) => expect(check.check()).resolves.toBeUndefined()));
  });

  it('should say Redis is down at once while its connection is reconnecting', async () => {
    const [redis] = dependencyChecks(connections('reconnecting'), ['redis']);
    await expect(redis!.check()).rejects.toThrow('redis connection reconnecting');
  });
});
