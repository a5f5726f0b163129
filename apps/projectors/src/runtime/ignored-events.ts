import { preparedQuery } from '@chat/storage';
import type { ConversationEvent } from '@chat/events';
import type { PoolClient } from 'pg';
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
 * Records a batch's ignored events in a Postgres projection's `ignored_events`: one statement,
 * idempotent by log position, the free-text detail through the projection's text mapping.
 */
export async function writeIgnoredEvents(
  db: PoolClient,
  schema: string,
  ignored: IgnoredEvent[],
  text: TextMapping,
): Promise<void> {
  if (ignored.length === 0) return;
  await preparedQuery(
    db,
    `INSERT INTO ${schema}.ignored_events
       (topic, partition, "offset", event_id, event_type, conversation_id, reason, detail)
     SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
     ON CONFLICT DO NOTHING`,
    [
      ignored.map((x) => x.topic),
      ignored.map((x) => x.partition),
      ignored.map((x) => x.offset),
      ignored.map((x) => x.event.envelope.eventId),
      ignored.map((x) => x.event.type),
      ignored.map((x) => x.event.conversationId),
      ignored.map((x) => x.reason),
      ignored.map((x) => text(x.detail)),
    ],
  );
}
