import { EventError } from '../errors';
import { readHeader, writeHeader } from './wire-format';

describe('Confluent wire format', () => {
  it('should frame a body with magic byte 0 and the big-endian schema id', () => {
    const framed = writeHeader(0x01020304, Buffer.from('avro'));
    expect([...framed.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    expect(readHeader(framed)).toEqual({ schemaId: 0x01020304, body: Buffer.from('avro') });
  });

  it.each([
    ['an empty record', Buffer.alloc(0)],
    ['a tombstone', null],
    ['a short header', Buffer.from([0, 0, 1])],
    ['JSON text', Buffer.from('{"hello":"world"}')],
  ])('should reject %s as not-wire-format, not retriable', (_, bytes) => {
    try {
      readHeader(bytes);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(EventError);
      expect((error as EventError).code).toBe('not-wire-format');
      expect((error as EventError).retriable).toBe(false);
    }
  });
});
