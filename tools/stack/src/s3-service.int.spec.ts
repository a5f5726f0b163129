import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './preflight';
import { REPO_ROOT } from './stack-paths';

/** s3proxy provisioned like the other services, in a throwaway stack dir on its own port. */
describe('the object store of the local stack', () => {
  const stackDir = mkdtempSync(join(tmpdir(), 'stack-s3-'));
  let env: Record<string, string>;

  const cli = (...args: string[]) =>
    spawnSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(REPO_ROOT, 'tools/stack/src/cli.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 150_000 },
    );

  beforeAll(async () => {
    env = { CHAT_STACK_DIR: stackDir, CHAT_S3_PORT: String(await freePort()) };
  });

  afterAll(() => {
    cli('down');
    rmSync(stackDir, { recursive: true, force: true });
  });

  it('should start s3proxy on CHAT_S3_PORT with its data and log in the stack dir, and stop it', () => {
    const up = cli('up', '--only', 's3');
    expect(up.status).toBe(0);
    expect(up.stdout).toMatch(
      new RegExp(`s3 +running +healthy .*127\\.0\\.0\\.1:${env.CHAT_S3_PORT}`),
    );
    expect(readdirSync(join(stackDir, 'dist', 's3'))).toContain(
      's3proxy-4.1.0-jar-with-dependencies.jar',
    );
    expect(existsSync(join(stackDir, 'data', 's3'))).toBe(true);
    expect(existsSync(join(stackDir, 'logs', 's3.log'))).toBe(true);

    const down = cli('down');
    expect(down.status).toBe(0);
    expect(down.stdout).toContain('s3');
    expect(cli('status').stdout).toMatch(/s3 +stopped/);
  }, 200_000);
});
