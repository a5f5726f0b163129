import { writeIf, type Write } from '@chat/storage';
import type { ConversationEvent } from '@chat/events';
import type { TextMapping } from '../inbox/storable-text';

/** An event the ledger refused at its position, kept with the reason (see ignored_events). */
export interface IgnoredEvent {
  topic: string;
  partition: number;
  offset: string;
  event: ConversationEvent;
  reason: string;
  detail: string;
}

/**
 * The write that records a batch's ignored events in a Postgres projection's
 * `ignored_events` (null when there are none): idempotent by log position, the free-text
 * detail through the projection's text mapping.
 */
export function ignoredEventsWrite(
  schema: string,
  ignored: IgnoredEvent[],
  text: TextMapping,
): Write | null {
  return writeIf(ignored, () => ({
    text: `INSERT INTO ${schema}.ignored_events
       (topic, partition, "offset", event_id, event_type, conversation_id, reason, detail)
     SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
     ON CONFLICT DO NOTHING`,
    values: [
      ignored.map((x) => x.topic),
      ignored.map((x) => x.partition),
      ignored.map((x) => x.offset),
      ignored.map((x) => x.event.envelope.eventId),
      ignored.map((x) => x.event.type),
      ignored.map((x) => x.event.conversationId),
      ignored.map((x) => x.reason),
      ignored.map((x) => text(x.detail)),
    ],
  }));
}
