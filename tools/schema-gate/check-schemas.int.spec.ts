import { randomUUID } from 'node:crypto';
import { loadConfig } from '@chat/config';
import { bootstrapEventLog, createEventCodec, EVENT_SCHEMAS } from '@chat/events';
import { createLogger } from '@chat/observability';
import { checkAllSchemas, checkSchema, formatVerdict } from './check-schemas';

const config = loadConfig();
const registryUrl = config.registry.value;
const messageSent = EVENT_SCHEMAS.MessageSent as { fields: object[] };

describe('the schema compatibility gate against the registry', () => {
  const prefix = `test-gate-${randomUUID()}`;
  const subject = `${prefix}-MessageSent`;

  beforeAll(async () => {
    await bootstrapEventLog(config, createLogger('gate-test', 'fatal'));
    await createEventCodec({ registryUrl, subjectOf: (type) => `${prefix}-${type}` }).registerAll();
  });

  it('should pass every schema in schemas/ against what is registered', async () => {
    const verdicts = await checkAllSchemas(registryUrl);
    expect(verdicts.filter((v) => v.status === 'incompatible')).toEqual([]);
    expect(verdicts).toHaveLength(Object.keys(EVENT_SCHEMAS).length);
  });

  it('should accept a compatible change: an optional field', async () => {
    const next = {
      ...messageSent,
      fields: [
        ...messageSent.fields,
        { name: 'priority', type: ['null', 'string'], default: null },
      ],
    };
    expect(await checkSchema(registryUrl, subject, next)).toEqual({
      subject,
      status: 'compatible',
    });
  });

  it('should reject a breaking change naming the subject and the field', async () => {
    const next = {
      ...messageSent,
      fields: [...messageSent.fields, { name: 'priority', type: 'string' }],
    };
    const verdict = await checkSchema(registryUrl, subject, next);
    expect(verdict).toEqual({
      subject,
      status: 'incompatible',
      problems: ['MessageSent.priority: added without a default, so older events cannot fill it'],
    });
    expect(formatVerdict(verdict)).toContain(`FAIL  ${subject} is not BACKWARD compatible`);
  });

  it('should report a subject the registry has never seen as new', async () => {
    const fresh = `test-gate-${randomUUID()}`;
    expect(await checkSchema(registryUrl, fresh, messageSent)).toEqual({
      subject: fresh,
      status: 'new',
    });
  });
});
