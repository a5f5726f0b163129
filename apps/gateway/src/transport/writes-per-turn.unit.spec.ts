import { PassThrough, Writable } from 'node:stream';
import { writesPerTurn } from './writes-per-turn';

/** A socket that records each write it receives from the stream machinery. */
function recordingSocket() {
  const writes: string[] = [];
  const socket = new Writable({
    writev(chunks, done) {
      writes.push(chunks.map((c) => String(c.chunk)).join(''));
      done();
    },
    write(chunk, _encoding, done) {
      writes.push(String(chunk));
      done();
    },
  });
  return { socket, writes };
}

describe('writes per turn', () => {
  it('sends the frames of one turn as one write, in order', async () => {
    const { socket, writes } = recordingSocket();
    const hold = writesPerTurn(socket);
    for (const frame of ['a', 'b', 'c']) {
      hold();
      socket.write(frame);
    }
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['abc']);
  });

  it('releases every turn, so a later turn is not held behind an earlier one', async () => {
    const { socket, writes } = recordingSocket();
    const hold = writesPerTurn(socket);
    hold();
    socket.write('first');
    await new Promise((resolve) => setImmediate(resolve));
    hold();
    socket.write('second');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['first', 'second']);
    expect(socket.writableCorked).toBe(0);
  });

  it('leaves a socket nobody writes to uncorked', () => {
    const socket = new PassThrough();
    writesPerTurn(socket);
    expect(socket.writableCorked).toBe(0);
  });
});
