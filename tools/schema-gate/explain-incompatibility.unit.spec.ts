import { explainIncompatibility } from './explain-incompatibility';

const v1 = {
  type: 'record',
  name: 'MessageSent',
  namespace: 'chat.events',
  fields: [
    { name: 'messageId', type: 'string' },
    { name: 'seq', type: 'int' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['TEXT', 'MEDIA'] } },
    {
      name: 'meta',
      type: { type: 'record', name: 'Meta', fields: [{ name: 'source', type: 'string' }] },
    },
  ],
};

const withFields = (fields: object[]) => ({ ...v1, fields });

describe('explainIncompatibility', () => {
  it('should accept an added optional field', () => {
    const next = withFields([
      ...v1.fields,
      { name: 'note', type: ['null', 'string'], default: null },
    ]);
    expect(explainIncompatibility(next, v1)).toEqual([]);
  });

  it('should accept a removed field and a widened number', () => {
    const next = withFields([
      { name: 'messageId', type: 'string' },
      { name: 'seq', type: 'long' },
    ]);
    expect(explainIncompatibility(next, v1)).toEqual([]);
  });

  it('should name a field added without a default', () => {
    const next = withFields([...v1.fields, { name: 'priority', type: 'string' }]);
    expect(explainIncompatibility(next, v1)).toEqual([
      'MessageSent.priority: added without a default, so older events cannot fill it',
    ]);
  });

  it('should name a field whose type cannot read the old values', () => {
    const next = withFields([{ name: 'messageId', type: 'long' }, ...v1.fields.slice(1)]);
    expect(explainIncompatibility(next, v1)).toEqual([
      'MessageSent.messageId: type changed from string to long, which cannot read the old values',
    ]);
  });

  it('should name an enum symbol that was removed', () => {
    const kind = { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['TEXT'] } };
    const next = withFields([v1.fields[0]!, v1.fields[1]!, kind, v1.fields[3]!]);
    expect(explainIncompatibility(next, v1)).toEqual([
      'MessageSent.kind: enum symbols removed (MEDIA), so older events cannot be read',
    ]);
  });

  it('should give the path of a nested field', () => {
    const meta = {
      name: 'meta',
      type: {
        type: 'record',
        name: 'Meta',
        fields: [
          { name: 'source', type: 'string' },
          { name: 'region', type: 'string' },
        ],
      },
    };
    const next = withFields([...v1.fields.slice(0, 3), meta]);
    expect(explainIncompatibility(next, v1)).toEqual([
      'MessageSent.meta.region: added without a default, so older events cannot fill it',
    ]);
  });
});
