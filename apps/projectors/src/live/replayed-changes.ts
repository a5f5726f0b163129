import { sightOf } from '@chat/domain';
import type { ChangeFrame } from '@chat/protocol';
import {
  seenThrough,
  type LiveChange,
  type MemberSpan,
  type ProjectedBatch,
  type StoredChange,
} from '@chat/views';
import { addToBatch } from './projected-batches';

/** A frame as a live change: the batch names the conversation. */
const liveChangeOf = (frame: ChangeFrame): LiveChange => {
  const change: Partial<ChangeFrame> = { ...frame };
  delete change.conversationId;
  return change as LiveChange;
};

/** Who sees a stored change (grouped by the cs they see its item through) and who gets a skip. */
function viewers(spans: readonly MemberSpan[], change: StoredChange, position: number) {
  const sees = new Map<number, string[]>();
  const skips: string[] = [];
  for (const span of spans) {
    const through = seenThrough([span], change.cs, position);
    if (through === undefined) continue;
    const sight = sightOf(span, { eventType: change.eventType, targetSeq: change.seq });
    if (sight === 'change') sees.set(through, [...(sees.get(through) ?? []), span.userId]);
    else if (sight === 'skip') skips.push(span.userId);
  }
  return { sees, skips };
}

/** The frames a replay needs: each change with every cs its recipients see its item through. */
export function replayedFramesWanted(
  changes: readonly StoredChange[],
  spans: readonly MemberSpan[],
  position: number,
): Array<{ change: StoredChange; through: number }> {
  return changes.flatMap((change) =>
    [...viewers(spans, change, position).sees.keys()].map((through) => ({ change, through })),
  );
}

/**
 * The publication of changes already stored, for events a projector reads again after a
 * crash between writing them and publishing them: the same recipients, skips and frames as
 * the first time, from the change log and the membership spans instead of the ledger. A
 * recipient removed since gets the item as it was when they left (itemSeenBy), as a resume
 * would give it: `frameOf(cs, through)` is the change's frame with its item as of `through`.
 */
export function replayedChanges(
  conversationId: string,
  changes: readonly StoredChange[],
  spans: readonly MemberSpan[],
  position: number,
  frameOf: (cs: number, through: number) => ChangeFrame,
): ProjectedBatch[] {
  const batches = new Map<string, ProjectedBatch>();
  for (const change of changes) {
    const { sees, skips } = viewers(spans, change, position);
    for (const [through, users] of sees) {
      addToBatch(batches, conversationId, users, liveChangeOf(frameOf(change.cs, through)));
    }
    addToBatch(batches, conversationId, skips, { type: 'skip', cs: change.cs });
  }
  return [...batches.values()];
}
