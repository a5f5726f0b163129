import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as avro from 'avsc';
import { loadEventSchemas } from './avro-schema-files';
import { EVENT_TYPES } from '../generated/event-types';

function schemaDir(files: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'schemas-'));
  Object.entries(files).forEach(([name, schema]) =>
    writeFileSync(join(dir, name), JSON.stringify(schema)),
  );
  return dir;
}

const envelope = {
  type: 'record',
  name: 'Envelope',
  namespace: 'x',
  fields: [{ name: 'id', type: 'string' }],
};

describe('loadEventSchemas', () => {
  it('should make every schema in schemas/ standalone and parseable', () => {
    const events = loadEventSchemas();
    expect(events.length).toBe(EVENT_TYPES.length);
    events.forEach((event) =>
      expect(() => avro.Type.forSchema(event.schema as avro.Schema)).not.toThrow(),
    );
  });

  it('should inline a shared type once and keep later references as names', () => {
    const dir = schemaDir({
      'Envelope.avsc': envelope,
      'Pair.avsc': {
        type: 'record',
        name: 'Pair',
        namespace: 'x',
        fields: [
          { name: 'envelope', type: 'x.Envelope' },
          { name: 'previous', type: ['null', 'x.Envelope'], default: null },
        ],
      },
    });
    const [pair] = loadEventSchemas(dir);
    const fields = pair!.schema.fields as Array<{ type: unknown }>;
    expect(fields[0]!.type).toMatchObject({ type: 'record', name: 'Envelope' });
    expect(fields[1]!.type).toEqual(['null', 'x.Envelope']);
  });

  it('should name an unknown referenced type', () => {
    const dir = schemaDir({
      'Broken.avsc': {
        type: 'record',
        name: 'Broken',
        namespace: 'x',
        fields: [{ name: 'envelope', type: 'x.Missing' }],
      },
    });
    expect(() => loadEventSchemas(dir)).toThrow('unknown Avro type x.Missing');
  });

  it('should insist that a file is named after its record', () => {
    const dir = schemaDir({
      'Envelope.avsc': envelope,
      'Wrong.avsc': {
        type: 'record',
        name: 'Right',
        namespace: 'x',
        fields: [{ name: 'envelope', type: 'x.Envelope' }],
      },
    });
    expect(() => loadEventSchemas(dir)).toThrow('Wrong.avsc: file name must be Right.avsc');
  });
});
