import { Writable } from 'node:stream';
import pino from 'pino';
import { NestLogger } from './nest-logger';

/** Nest's own messages come out as the app's JSON lines, with Nest's context as a field. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: new NestLogger(pino({ level: 'trace' }, sink)) };
}

describe('NestLogger', () => {
  it('writes a message with its context at the matching level', () => {
    const { lines, logger } = capture();
    logger.log('Mapped {/v1/search, GET} route', 'RouterExplorer');
    logger.warn('slow', 'Gateway');
    expect(lines).toMatchObject([
      { level: 30, msg: 'Mapped {/v1/search, GET} route', context: 'RouterExplorer' },
      { level: 40, msg: 'slow', context: 'Gateway' },
    ]);
  });

  it('keeps an error whole, and the stack Nest passes beside a message', () => {
    const { lines, logger } = capture();
    logger.error(new Error('boom'), 'ExceptionsHandler');
    logger.error('handler failed', 'Error: x\n    at y', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'boom',
      context: 'ExceptionsHandler',
      err: { message: 'boom' },
    });
    expect(lines[1]).toMatchObject({
      msg: 'handler failed',
      stack: 'Error: x\n    at y',
      context: 'ExceptionsHandler',
    });
  });
});
