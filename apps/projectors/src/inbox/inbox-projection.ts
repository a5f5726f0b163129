import { TOPICS } from '@chat/events';
import { ConversationLedger, referencesOf } from '@chat/domain';
import { InboxStore, PROJECTIONS, inboxSchemaOf } from '@chat/views';
import type { PostgresProjection } from '../runtime/postgres-projection-runner';
import { conversationEventsOf, foldInLogOrder } from '../runtime/conversation-events';
import { inboxChanges } from './inbox-changes';
import { writeInboxChanges } from './inbox-writer';
import { storableText, type TextMapping } from './storable-text';

/**
 * The inbox: conversations, members with their cursors, message facts. Per batch it loads what
 * the events touch, folds them through the shared ledger, and writes the coalesced changes.
 * `text` maps free text into what Postgres can hold (a test passes another to be refused).
 */
export function inboxProjection(
  version: number,
  options: { text?: TextMapping } = {},
): PostgresProjection {
  const schema = inboxSchemaOf(version);
  return {
    name: PROJECTIONS.inbox,
    version,
    topics: [TOPICS.conversations],
    async apply(db, consumed) {
      const positioned = conversationEventsOf(consumed);
      const events = positioned.map((c) => c.event);
      const refs = referencesOf(events);
      const { conversations, messages } = await new InboxStore(db, schema).ledgerInputs(refs);
      const ledger = new ConversationLedger({
        conversations: conversations.map((c) => c.state),
        messages,
      });
      const outcomes = foldInLogOrder(ledger, positioned);
      const changes = inboxChanges(conversations, outcomes);
      await writeInboxChanges(db, schema, changes, options.text ?? storableText);
      return { ignored: changes.ignored.length };
    },
  };
}
