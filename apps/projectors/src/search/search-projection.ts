import { TOPICS } from '@chat/events';
import { ConversationLedger, referencesOf } from '@chat/domain';
import { PROJECTIONS, SearchStore, searchSchemaOf } from '@chat/views';
import type { PostgresProjection } from '../runtime/postgres-projection-runner';
import { conversationEventsOf, foldInLogOrder } from '../runtime/conversation-events';
import { storableText, type TextMapping } from '../inbox/storable-text';
import { searchChanges } from './search-changes';
import { writeSearchChanges } from './search-writer';

/**
 * Full-text search over message bodies, in Postgres: per batch it loads the states and message
 * facts the events touch from its own tables, folds them through the shared ledger (which
 * alone decides what is accepted and its seq), and writes documents and membership spans.
 */
export function searchProjection(
  version: number,
  options: { text?: TextMapping } = {},
): PostgresProjection {
  const schema = searchSchemaOf(version);
  return {
    name: PROJECTIONS.search,
    version,
    topics: [TOPICS.conversations],
    async apply(db, consumed) {
      const positioned = conversationEventsOf(consumed);
      const refs = referencesOf(positioned.map((c) => c.event));
      const ledger = new ConversationLedger(await new SearchStore(db, schema).ledgerInputs(refs));
      const changes = searchChanges(foldInLogOrder(ledger, positioned));
      await writeSearchChanges(db, schema, changes, options.text ?? storableText);
      return { ignored: changes.ignored.length };
    },
  };
}
