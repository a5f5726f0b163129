import type { Client } from 'cassandra-driver';
import { ConversationLedger, referencesOf, type MessageFacts } from '@chat/domain';
import { TOPICS } from '@chat/events';
import {
  ChangeLog,
  PROJECTIONS,
  TimelineStore,
  type ProjectedBatch,
  type StoredConversation,
  type TimelineTables,
} from '@chat/views';
import { liveChanges } from '../live/live-changes';
import { replayedChanges, replayedFramesWanted } from '../live/replayed-changes';
import type { LivePublisher } from '../live/live-publisher';
import type { CassandraProjection } from '../runtime/cassandra-projection-runner';
import { conversationEventsOf, foldInLogOrder } from '../runtime/conversation-events';
import { writeTimeline } from './timeline-writer';
import { itemsTakenBackFrom, timelineWrites } from './timeline-writes';
import { WrittenSinceJoin } from './written-since-join';

/**
 * Timelines: every conversation's items numbered by the gapless seq, with edits, deletes and
 * reactions applied, and its change log by cs. Each conversation's state row says up to which
 * offset it is applied, so after a crash the events below it are skipped per conversation, and
 * message facts written beyond it (by the batch that crashed) are not taken for the past.
 *
 * Live publication happens after the rows and states are written and before the runner moves
 * the position; a failed publication fails the batch. Events read again that the state says
 * are applied (a crash, or a failed publication, between writing and publishing) are
 * published again from the stored change log: gateways and clients drop what they have by cs.
 */
export function timelineProjection(
  cassandra: Client,
  tables: TimelineTables,
  version: number,
  live?: LivePublisher,
): CassandraProjection {
  const store = new TimelineStore(cassandra, tables);
  const changeLog = new ChangeLog(cassandra, tables);
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

  /** What events already applied published: their changes, read back from the change log. */
  async function republished(
    stale: ReturnType<typeof conversationEventsOf>,
    states: Map<string, StoredConversation | null>,
  ): Promise<ProjectedBatch[]> {
    const firstOffset = new Map<string, bigint>();
    const lastOffset = new Map<string, bigint>();
    for (const { event, offset } of stale) {
      const id = event.conversationId;
      const at = BigInt(offset);
      if (!firstOffset.has(id) || at < firstOffset.get(id)!) firstOffset.set(id, at);
      if (!lastOffset.has(id) || at > lastOffset.get(id)!) lastOffset.set(id, at);
    }
    const batches: ProjectedBatch[] = [];
    for (const [id, from] of firstOffset) {
      const stored = states.get(id);
      if (!stored) continue;
      const changes = (await changeLog.changesFromOffset(id, stored.state.lastCs, from)).filter(
        (change) => change.offset <= lastOffset.get(id)!,
      );
      if (changes.length === 0) continue;
      const spans = await changeLog.spans(id);
      const position = stored.state.lastCs;
      const wanted = replayedFramesWanted(changes, spans, position);
      const frames = await changeLog.framesAt(id, wanted);
      const byKey = new Map(wanted.map((w, i) => [`${w.change.cs}/${w.through}`, frames[i]!]));
      const frameOf = (cs: number, through: number) => byKey.get(`${cs}/${through}`)!;
      batches.push(...replayedChanges(id, changes, spans, position, frameOf));
    }
    return batches;
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
      const isFresh = (c: (typeof positioned)[number]) =>
        BigInt(c.offset) >= appliedThrough(c.event.conversationId);
      const fresh = positioned.filter(isFresh);
      const stale = positioned.filter((c) => !isFresh(c));
      const refs = referencesOf(fresh.map((c) => c.event));
      const ledger = new ConversationLedger({
        conversations: [...states.values()].flatMap((stored) => stored?.state ?? []),
        messages: await factsFor(refs, appliedThrough),
      });
      const outcomes = foldInLogOrder(ledger, fresh);
      const takenBackFrom = itemsTakenBackFrom(outcomes);
      const reactions =
        takenBackFrom.length > 0 ? await store.memberReactions(takenBackFrom) : undefined;
      const writes = timelineWrites(outcomes, reactions);
      await writeTimeline(cassandra, tables, writes);
      if (live) {
        // Stale events of a conversation all precede its fresh ones: republished first.
        const again = stale.length > 0 ? await republished(stale, states) : [];
        await live.projected(version, [...again, ...liveChanges(outcomes)]);
      }

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
