import type { Client } from 'cassandra-driver';
import { ConversationLedger, referencesOf, type MessageFacts } from '@chat/domain';
import { TOPICS } from '@chat/events';
import {
  PROJECTIONS,
  TimelineStore,
  type StoredConversation,
  type TimelineTables,
} from '@chat/views';
import { liveChanges } from '../live/live-changes';
import type { LivePublisher } from '../live/live-publisher';
import type { CassandraProjection } from '../runtime/cassandra-projection-runner';
import { conversationEventsOf, foldInLogOrder } from '../runtime/conversation-events';
import { writeTimeline } from './timeline-writer';
import { timelineWrites } from './timeline-writes';
import { WrittenSinceJoin } from './written-since-join';

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
  live?: LivePublisher,
): CassandraProjection {
  const store = new TimelineStore(cassandra, tables);
  const memory = new WrittenSinceJoin();

  /** The states a batch needs: from memory where it can answer, else from the store. */
  async function statesOf(conversationIds: string[]) {
    const states = new Map<string, StoredConversation | null>();
    const unknown: string[] = [];
    for (const id of conversationIds) {
      const remembered = memory.state(id);
      if (remembered === undefined) unknown.push(id);
      else states.set(id, remembered);
    }
    if (unknown.length > 0) {
      const loaded = await store.conversations(unknown);
      for (const id of unknown) {
        memory.loaded(id, loaded.get(id));
        states.set(id, loaded.get(id) ?? null);
      }
    }
    return states;
  }

  async function factsFor(
    refs: ReturnType<typeof referencesOf>,
    appliedThrough: (id: string) => bigint,
  ): Promise<MessageFacts[]> {
    const known: MessageFacts[] = [];
    const messages: Array<[string, string]> = [];
    const sends: Array<[string, string, string]> = [];
    for (const [conversationId, messageId] of refs.messages) {
      const found = memory.message(conversationId, messageId);
      if (found === undefined) messages.push([conversationId, messageId]);
      else if (found) known.push(found);
    }
    for (const [conversationId, senderId, clientMessageId] of refs.sends) {
      const found = memory.send(conversationId, senderId, clientMessageId);
      if (found === undefined) sends.push([conversationId, senderId, clientMessageId]);
      else if (found) known.push(found);
    }
    const read = await store.messageFacts(messages, sends, appliedThrough);
    for (const facts of read) memory.learned(facts);
    return [...known, ...read];
  }

  return {
    name: PROJECTIONS.timeline,
    version,
    topics: [TOPICS.conversations],
    forget: () => memory.forget(),
    async apply(consumed) {
      const positioned = conversationEventsOf(consumed);
      const ids = [...new Set(positioned.map((c) => c.event.conversationId))];
      const states = await statesOf(ids);
      const appliedThrough = (id: string) => states.get(id)?.appliedThrough ?? 0n;
      const fresh = positioned.filter(
        (c) => BigInt(c.offset) >= appliedThrough(c.event.conversationId),
      );
      const refs = referencesOf(fresh.map((c) => c.event));
      const ledger = new ConversationLedger({
        conversations: [...states.values()].flatMap((stored) => stored?.state ?? []),
        messages: await factsFor(refs, appliedThrough),
      });
      const outcomes = foldInLogOrder(ledger, fresh);
      const writes = timelineWrites(outcomes);
      await writeTimeline(cassandra, tables, writes);
      await live?.projected(version, liveChanges(outcomes));

      for (const { conversationId, state, appliedThrough: through } of writes.states) {
        memory.stored(conversationId, { state, appliedThrough: through });
      }
      for (const { event, verdict } of outcomes) {
        if (verdict.accepted && (event.type === 'MessageSent' || event.type === 'MessageDeleted')) {
          memory.learned(ledger.message(event.conversationId, event.messageId)!);
        }
      }
      const ignored = outcomes.filter((o) => !o.verdict.accepted).length;
      return { applied: outcomes.length - ignored, ignored };
    },
  };
}
