import { TOPICS } from '@chat/events';
import { PROJECTIONS, pushSchemaOf } from '@chat/views';
import type { PostgresProjection } from '../runtime/postgres-projection-runner';
import { storableText } from '../inbox/storable-text';
import { pushChanges } from './push-changes';
import { writePushChanges } from './push-writer';

/**
 * The notifier's state in Postgres: subscriptions and mutes from the notifications topic, and
 * a pending push per message from the conversations topic, both in one version's schema with
 * the runner's exactly-once position. The dispatcher (push-dispatcher.ts) works off the
 * pending rows; what it decided lives in the shared ledger, never in a version.
 */
export function pushProjection(version: number): PostgresProjection {
  const schema = pushSchemaOf(version);
  return {
    name: PROJECTIONS.push,
    version,
    topics: [TOPICS.notifications, TOPICS.conversations],
    async apply(db, consumed) {
      await writePushChanges(db, schema, pushChanges(consumed), storableText);
      return { ignored: 0 };
    },
  };
}
