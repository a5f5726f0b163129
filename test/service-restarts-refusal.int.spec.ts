import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackConfigWith } from '../tools/stack/src/stack-config';
import { stackPaths } from '../tools/stack/src/stack-paths';
import { ownedServices } from './harness/restart-under-load';

/**
 * The restart tests stop services: they must only ever stop those of the stack they run
 * against, started from its own pid files, and refuse before starting anything otherwise.
 */
describe('the services a restart test may stop', () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'not-this-stack-'));
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

  it('should refuse a service with no running process in the configured stack', () => {
    const config = loadStackConfigWith({ CHAT_STACK_DIR: elsewhere });
    expect(() => ownedServices(config, stackPaths(config), ['redis'])).toThrow(
      /refusing to restart redis: no running process in .*not-this-stack-.*redis\.pid/,
    );
  });

  it('should refuse an external server', () => {
    const config = loadStackConfigWith({
      CHAT_STACK_DIR: elsewhere,
      DATABASE_URL: 'postgres://postgres@db.example:5432/chat',
    });
    expect(() => ownedServices(config, stackPaths(config), ['postgres'])).toThrow(
      /refusing to restart postgres: it is external/,
    );
  });
});
