import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '../libs/events/src/testing/wait-for';
import { freePort } from '../tools/stack/src/preflight';
import { spawnTs } from './harness/spawn-ts';

const ROOT = join(__dirname, '..');

const APPS = [
  {
    name: 'command-api',
    portVariable: 'COMMAND_API_PORT',
    needs: ['kafka', 'registry', 'postgres', 'cassandra', 'redis', 's3'],
  },
  {
    name: 'projectors',
    portVariable: 'PROJECTORS_PORT',
    needs: ['kafka', 'registry', 'postgres', 'cassandra', 'redis'],
  },
  {
    name: 'gateway',
    portVariable: 'GATEWAY_PORT',
    needs: ['kafka', 'registry', 'postgres', 'cassandra', 'redis', 's3'],
  },
];

describe.each(APPS)('the $name app', ({ name, portVariable, needs }) => {
  let child: ChildProcess;
  let port: number;
  const output: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    child = spawnTs(join(ROOT, 'apps', name, 'src', 'main.ts'), [], {
      cwd: ROOT,
      env: { ...process.env, [portVariable]: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await waitFor(
      `${name} to listen`,
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/health/live`);
        return response.ok ? true : undefined;
      },
      { timeoutMs: 30000, intervalMs: 200 },
    );
  });
  afterAll(() => child.exitCode === null && child.kill('SIGKILL'));

  it('should report ready with every real dependency it needs', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { dependencies: Record<string, string> };
    expect(Object.keys(body.dependencies).sort()).toEqual([...needs].sort());
    expect(Object.values(body.dependencies).every((result) => result === 'ok')).toBe(true);
  });

  it('should log structured JSON', () => {
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line.trim().length > 0);
    expect(lines.length).toBeGreaterThan(0);
    lines.forEach((line) => expect(JSON.parse(line)).toMatchObject({ service: name }));
  });

  it('should warn at start that a local environment accepts the public development secrets', () => {
    const warnings = output
      .join('')
      .split('\n')
      .filter((line) => line.includes('CHAT_ENVIRONMENT=local'))
      .map((line) => JSON.parse(line) as { level: number | string });
    expect(warnings).toHaveLength(1);
    expect([40, 'warn']).toContain(warnings[0]!.level);
  });

  it('should serve Prometheus metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('should shut down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
