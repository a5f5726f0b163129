import { sightOf } from '@chat/domain';
import type { ChangeFrame } from '@chat/protocol';
import type { LiveChange, MemberSpan, ProjectedBatch, StoredChange } from '@chat/views';
import { addToBatch } from './projected-batches';

/** A frame as a live change: the batch names the conversation. */
const liveChangeOf = (frame: ChangeFrame): LiveChange => {
  const change: Partial<ChangeFrame> = { ...frame };
  delete change.conversationId;
  return change as LiveChange;
};

/**
 * The publication of changes already stored, for events a projector reads again after a
 * crash between writing them and publishing them: the same recipients, skips and frames as
 * the first time, from the change log and the membership spans instead of the ledger.
 */
export function replayedChanges(
  conversationId: string,
  changes: readonly StoredChange[],
  spans: readonly MemberSpan[],
  frames: ReadonlyMap<number, ChangeFrame>,
): ProjectedBatch[] {
  const batches = new Map<string, ProjectedBatch>();
  for (const change of changes) {
    const sees: string[] = [];
    const skips: string[] = [];
    for (const span of spans) {
      if (span.joinedCs > change.cs || (span.leftCs !== null && change.cs > span.leftCs)) continue;
      const sight = sightOf(span, { eventType: change.eventType, targetSeq: change.seq });
      if (sight === 'change') sees.push(span.userId);
      else if (sight === 'skip') skips.push(span.userId);
    }
    addToBatch(batches, conversationId, sees, liveChangeOf(frames.get(change.cs)!));
    addToBatch(batches, conversationId, skips, { type: 'skip', cs: change.cs });
  }
  return [...batches.values()];
}
