import { randomUUID } from 'node:crypto';
import type { EventType, MessageSent } from '../generated/event-types';
import { EVENT_SCHEMAS } from '../generated/event-schemas';
import { eventLogFixture } from '../testing/event-log-fixture';
import { sampleEvents } from '../testing/sample-events';
import { createEventCodec } from './event-codec';

const { registryUrl } = eventLogFixture('schema-evolution');

/** Version N+1 of MessageSent: one optional field more. */
function withOptionalField(schema: object, field: object): object {
  const record = schema as { fields: object[] };
  return { ...record, fields: [...record.fields, field] };
}

describe('schema evolution', () => {
  const run = randomUUID();
  const subjectOf = (type: EventType) => `test-evolution-${run}-${type}`;
  const v1 = createEventCodec({ registryUrl, subjectOf, autoRegister: true });
  const v2 = createEventCodec({
    registryUrl,
    subjectOf,
    autoRegister: true,
    schemas: {
      MessageSent: withOptionalField(EVENT_SCHEMAS.MessageSent, {
        name: 'priority',
        type: ['null', 'string'],
        default: null,
        doc: 'Added in version 2.',
      }),
    },
  });
  const message = sampleEvents().find((e): e is MessageSent => e.type === 'MessageSent')!;

  it('should let a version 2 reader read events written with version 1', async () => {
    const writtenByV1 = await v1.encode(message);
    const read = (await v2.decode(writtenByV1)) as MessageSent & { priority: string | null };
    expect(read.priority).toBeNull();
    expect(read.messageId).toBe(message.messageId);
    expect(read.body).toBe(message.body);
  });

  it('should register version 2 as a new version of the same subject, with a new id', async () => {
    const id1 = (await v1.encode(message)).readInt32BE(1);
    const id2 = (await v2.encode({ ...message, priority: 'high' } as MessageSent)).readInt32BE(1);
    expect(id2).not.toBe(id1);
    const read = (await v1.decode(
      await v2.encode({ ...message, priority: 'high' } as MessageSent),
    )) as object;
    // A version 1 reader ignores the field it does not know (forward reading also works).
    expect(read).not.toHaveProperty('priority');
  });
});
