import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEventSchemas } from '../../libs/events/src/schema/avro-schema-files';
import { renderEventSchemas, renderEventTypes } from './render-event-types';

const generated = join(__dirname, '..', '..', 'libs', 'events', 'src', 'generated');

describe('generated event types', () => {
  const events = loadEventSchemas();

  it('should match schemas/ (run `npm run codegen` after changing a schema)', () => {
    expect(readFileSync(join(generated, 'event-types.ts'), 'utf8')).toBe(renderEventTypes(events));
    expect(readFileSync(join(generated, 'event-schemas.ts'), 'utf8')).toBe(
      renderEventSchemas(events),
    );
  });
});
