import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEventSchemas } from '../../libs/events/src/schema/avro-schema-files';
import { renderEventSchemas, renderEventTypes } from './render-event-types';

export const GENERATED_DIR = join(__dirname, '..', '..', 'libs', 'events', 'src', 'generated');

const events = loadEventSchemas();
writeFileSync(join(GENERATED_DIR, 'event-types.ts'), renderEventTypes(events));
writeFileSync(join(GENERATED_DIR, 'event-schemas.ts'), renderEventSchemas(events));
console.log(`generated types for ${events.length} events into ${GENERATED_DIR}`);
