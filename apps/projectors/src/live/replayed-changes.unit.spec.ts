import fc from 'fast-check';
import type { ChangeFrame } from '@chat/protocol';
import type { MemberSpan, ProjectedBatch, StoredChange } from '@chat/views';
import { foldHistory } from '../testing/fold-history';
import { groupHistory } from '../testing/group-history';
import { timelineWrites } from '../timeline/timeline-writes';
import { liveChanges } from './live-changes';
import { replayedChanges } from './replayed-changes';

/** Per user, the [type, cs] they are told (group receipts, which are not stored, left out). */
function toldTo(batches: ProjectedBatch[]) {
  const byUser = new Map<string, Array<[string, number]>>();
  for (const batch of batches) {
    for (const segment of batch.segments) {
      for (const userId of segment.recipients) {
        const list = byUser.get(userId) ?? [];
        for (const c of segment.changes) if (c.cs !== undefined) list.push([c.type, c.cs]);
        byUser.set(userId, list);
      }
    }
  }
  return byUser;
}

/** The change log and spans the timeline stores for a history. */
function stored(events: Parameters<typeof foldHistory>[0]) {
  const { rows } = timelineWrites(foldHistory(events));
  const changes: StoredChange[] = rows.flatMap((r) => (r.op === 'change' ? [r.change] : []));
  const spans: MemberSpan[] = [];
  for (const row of rows) {
    if (row.op === 'join') spans.push({ ...row, leftCs: null });
    if (row.op === 'leave') {
      spans.find((s) => s.userId === row.userId && s.joinedSeq === row.joinedSeq)!.leftCs =
        row.leftCs;
    }
  }
  // The frames' content is the item's; what matters here is who gets which cs.
  const frames = new Map(
    changes.map((c) => [c.cs, { type: c.kind, conversationId: c.conversationId, cs: c.cs }]),
  ) as unknown as Map<number, ChangeFrame>;
  return { changes, spans, frames };
}

describe('changes published again from the change log', () => {
  it('tell everyone exactly what the first publication told them', () => {
    const history = groupHistory();
    fc.assert(
      fc.property(history, (events) => {
        const first = toldTo(liveChanges(foldHistory(events)));
        const { changes, spans, frames } = stored(events);
        const again = toldTo(
          changes.length === 0
            ? []
            : replayedChanges(
                changes[0]!.conversationId,
                changes,
                spans,
                changes.at(-1)!.cs,
                (cs) => frames.get(cs)!,
              ),
        );
        const withChanges = (told: typeof first) =>
          new Map([...told].filter(([, list]) => list.length > 0));
        expect(withChanges(again)).toEqual(withChanges(first));
      }),
    );
  });
});
