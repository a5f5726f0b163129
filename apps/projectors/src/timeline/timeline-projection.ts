import type { Client } from 'cassandra-driver';
import { ConversationLedger, referencesOf } from '@chat/domain';
import { TOPICS } from '@chat/events';
import { PROJECTIONS, TimelineStore, type TimelineTables } from '@chat/views';
import type { CassandraProjection } from '../runtime/cassandra-projection-runner';
import { conversationEventsOf, foldInLogOrder } from '../runtime/conversation-events';
import { writeTimeline } from './timeline-writer';
import { timelineWrites } from './timeline-writes';

/**
 * Timelines: every conversation's items numbered by the gapless seq, with edits, deletes and
 * reactions applied. Each conversation's state row says up to which offset it is applied, so
 * after a crash the events below it are skipped per conversation, and message facts written
 * beyond it (by the batch that crashed) are not taken for the past.
 */
export function timelineProjection(
  cassandra: Client,
  tables: TimelineTables,
  version: number,
): CassandraProjection {
  const store = new TimelineStore(cassandra, tables);
  return {
    name: PROJECTIONS.timeline,
    version,
    topics: [TOPICS.conversations],
    async apply(consumed) {
      const positioned = conversationEventsOf(consumed);
      const stored = await store.conversations(
        new Set(positioned.map((c) => c.event.conversationId)),
      );
      const appliedThrough = (id: string) => stored.get(id)?.appliedThrough ?? 0n;
      const fresh = positioned.filter(
        (c) => BigInt(c.offset) >= appliedThrough(c.event.conversationId),
      );
      const refs = referencesOf(fresh.map((c) => c.event));
      const ledger = new ConversationLedger({
        conversations: [...stored.values()].map((s) => s.state),
        messages: await store.messageFacts(refs.messages, refs.sends, appliedThrough),
      });
      const outcomes = foldInLogOrder(ledger, fresh);
      const writes = timelineWrites(outcomes);
      await writeTimeline(cassandra, tables, writes);
      const ignored = outcomes.filter((o) => !o.verdict.accepted).length;
      return { applied: outcomes.length - ignored, ignored };
    },
  };
}
