import { EventError } from '../errors';

/**
 * The Confluent wire format: magic byte 0, the schema id as a big-endian int32, then the Avro
 * binary body. Any Confluent-compatible consumer can read what we write.
 */
export const MAGIC_BYTE = 0;
export const HEADER_SIZE = 5;

export function writeHeader(schemaId: number, body: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(HEADER_SIZE + body.length);
  framed.writeUInt8(MAGIC_BYTE, 0);
  framed.writeInt32BE(schemaId, 1);
  body.copy(framed, HEADER_SIZE);
  return framed;
}

export function readHeader(bytes: Buffer | null): {
  schemaId: number;
  body: Buffer;
} {
  if (!bytes || bytes.length < HEADER_SIZE) {
    throw new EventError('not-wire-format', `record of ${bytes?.length ?? 0} bytes has no header`);
  }
  if (bytes[0] !== MAGIC_BYTE) {
    throw new EventError('not-wire-format', `magic byte is ${bytes[0]}, expected ${MAGIC_BYTE}`);
  }
  return { schemaId: bytes.readInt32BE(1), body: bytes.subarray(HEADER_SIZE) };
}
