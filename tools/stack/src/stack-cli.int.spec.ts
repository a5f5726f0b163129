import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './preflight';
import { REPO_ROOT } from './stack-paths';

/** Runs the stack CLI in a throwaway stack dir so the real stack is never touched. */
function runCli(args: string[], env: Record<string, string>) {
  const stackDir = mkdtempSync(join(tmpdir(), 'stack-'));
  const result = spawnSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(REPO_ROOT, 'tools/stack/src/cli.ts'), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, CHAT_STACK_DIR: stackDir, ...env },
      encoding: 'utf8',
      timeout: 45000,
    },
  );
  return { ...result, stackDir };
}

describe('the stack CLI given a bad configuration', () => {
  let squatter: Server;
  afterEach(() => squatter?.close());

  it('should name the service and the port when the port is taken, and exit non-zero', async () => {
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    const result = runCli(['up', '--only', 'redis'], { CHAT_REDIS_PORT: String(port) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`stack: redis: port ${port} is already in use`);
  });

  it('should say where it looked for java when java is missing', async () => {
    const result = runCli(['up', '--only', 'kafka'], {
      CHAT_JAVA_HOME: '/nonexistent-jdk',
      CHAT_KAFKA_PORT: String(await freePort()),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('java not found at /nonexistent-jdk/bin/java');
    expect(result.stderr).toContain('CHAT_JAVA_HOME');
  });

  it('should show the log of a service that dies while starting', async () => {
    const stackDir = mkdtempSync(join(tmpdir(), 'stack-'));
    // A corrupt append-only manifest makes redis-server refuse to start.
    mkdirSync(join(stackDir, 'data', 'redis', 'appendonlydir'), { recursive: true });
    writeFileSync(
      join(stackDir, 'data', 'redis', 'appendonlydir', 'appendonly.aof.manifest'),
      'garbage\n',
    );
    const result = runCli(['up', '--only', 'redis'], {
      CHAT_STACK_DIR: stackDir,
      CHAT_REDIS_PORT: String(await freePort()),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/redis: the process \(pid \d+\) exited during start/);
    expect(result.stderr).toContain(`last lines of ${join(stackDir, 'logs', 'redis.log')}`);
    expect(result.stderr).toMatch(/manifest/i);
  });

  it('should reject an invalid port variable naming it', () => {
    const result = runCli(['status'], { CHAT_KAFKA_PORT: 'ninety' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHAT_KAFKA_PORT');
  });
});
