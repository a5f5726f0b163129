import fc from 'fast-check';
import type { WireItem } from '@chat/protocol';
import {
  itemAsOf,
  itemSeenBy,
  seenThrough,
  type ItemRevision,
  type SpanBounds,
  type StoredItem,
} from './item-visibility';

const SEQ = 2;
const MADE_AT = 2;

/** One change after the item was made: an edit, a reaction, or something to another item. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), text: fc.string({ maxLength: 4 }) }),
  fc.record({
    kind: fc.constant('reaction' as const),
    emoji: fc.constantFrom('👍', '🎉'),
    userId: fc.constantFrom('alice', 'bob', 'carol'),
    present: fc.boolean(),
  }),
  fc.constant({ kind: 'other' as const }),
);

/** An item's history: its revisions at cs 3, 4, ... and whether it ends deleted for everyone. */
const itemHistory = fc.record({
  steps: fc.array(step, { maxLength: 12 }),
  deleted: fc.boolean(),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function revisionsOf(steps: readonly Step[]): ItemRevision[] {
  return steps.flatMap((s, i): ItemRevision[] => {
    const cs = MADE_AT + 1 + i;
    if (s.kind === 'edit') {
      const editedAt = new Date(cs * 1000).toISOString();
      return [{ kind: 'edit', seq: SEQ, cs, body: `edit ${s.text}`, ciphertext: null, editedAt }];
    }
    if (s.kind === 'reaction') return [{ ...s, seq: SEQ, cs }];
    return [];
  });
}

/** The item folded from scratch through `throughCs`: the reference itemAsOf must agree with. */
function naive(revisions: readonly ItemRevision[], throughCs: number, deleted: boolean): WireItem {
  const item: WireItem = {
    conversationId: 'g',
    seq: SEQ,
    itemKind: 'MESSAGE',
    eventType: 'MessageSent',
    messageId: 'm',
    actorId: 'alice',
    kind: 'TEXT',
    body: 'as sent',
    ciphertext: null,
    media: null,
    replyTo: null,
    notice: null,
    occurredAt: new Date(0).toISOString(),
    editedAt: null,
    deleted: false,
    deletedBy: null,
    reactions: {},
  };
  if (deleted) return { ...item, body: null, deleted: true, deletedBy: 'alice' };
  // Each member has one reaction: a new one replaces theirs, taking that one back clears it.
  const reactionOf = new Map<string, string>();
  for (const r of revisions.filter((r) => r.cs <= throughCs)) {
    if (r.kind === 'edit') Object.assign(item, { body: r.body, editedAt: r.editedAt });
    else if (r.present) reactionOf.set(r.userId, r.emoji);
    else if (reactionOf.get(r.userId) === r.emoji) reactionOf.delete(r.userId);
  }
  for (const [userId, emoji] of [...reactionOf].sort()) {
    (item.reactions[emoji] ??= []).push(userId);
  }
  for (const users of Object.values(item.reactions)) users.sort();
  return item;
}

/** The item as the timeline stores it after all of `revisions`. */
function stored(revisions: readonly ItemRevision[], deleted: boolean): StoredItem {
  return {
    item: naive(revisions, Infinity, deleted),
    cs: MADE_AT,
    revisedCs: revisions.at(-1)?.cs ?? null,
    sent: { body: 'as sent', ciphertext: null },
  };
}

/** Non-overlapping spans in cs order: each [joinedCs, leftCs], the last maybe open. */
const spansArb = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 6 })
  .chain((gaps) =>
    fc.boolean().map((open) => {
      const spans: SpanBounds[] = [];
      let cs = 0;
      for (let i = 0; i + 1 < gaps.length; i += 2) {
        const joinedCs = (cs += gaps[i]!);
        const leftCs = (cs += gaps[i + 1]!);
        spans.push({ joinedCs, leftCs });
      }
      if (open && spans.length > 0) spans[spans.length - 1]!.leftCs = null;
      return spans;
    }),
  );

describe('an item as of a cs', () => {
  it('should be the item folded from what it was sent as through that cs', () => {
    fc.assert(
      fc.property(itemHistory, fc.nat(20), ({ steps, deleted }, extra) => {
        const revisions = revisionsOf(steps);
        const through = MADE_AT + extra;
        expect(itemAsOf(stored(revisions, deleted), revisions, through)).toEqual(
          naive(revisions, through, deleted),
        );
      }),
    );
  });

  it('should not change with anything that happened after that cs', () => {
    fc.assert(
      fc.property(itemHistory, itemHistory, fc.nat(12), (a, b, cut) => {
        const through = MADE_AT + cut;
        const past = revisionsOf(a.steps).filter((r) => r.cs <= through);
        // Two futures after the same past; a delete for everyone is the one change seen anyway.
        const futureOf = (steps: Step[]) =>
          revisionsOf([...Array<Step>(cut).fill({ kind: 'other' }), ...steps]).filter(
            (r) => r.cs > through,
          );
        const one = [...past, ...futureOf(a.steps)];
        const other = [...past, ...futureOf(b.steps)];
        expect(itemAsOf(stored(one, false), one, through)).toEqual(
          itemAsOf(stored(other, false), other, through),
        );
      }),
    );
  });
});

describe("an item's reactions", () => {
  it("should hold each member's newest reaction only, at every cs", () => {
    const reaction = (cs: number, userId: string, emoji: string, present = true): ItemRevision => ({
      kind: 'reaction',
      seq: SEQ,
      cs,
      emoji,
      userId,
      present,
    });
    const revisions = [
      reaction(3, 'alice', '👍'),
      reaction(4, 'alice', '🎉'),
      reaction(5, 'bob', '👍'),
      reaction(6, 'alice', '👍', false),
      reaction(7, 'bob', '👍', false),
    ];
    const item = stored(revisions, false);
    expect(itemAsOf(item, revisions, 3).reactions).toEqual({ '👍': ['alice'] });
    expect(itemAsOf(item, revisions, 4).reactions).toEqual({ '🎉': ['alice'] });
    expect(itemAsOf(item, revisions, 5).reactions).toEqual({ '🎉': ['alice'], '👍': ['bob'] });
    // Alice took back a reaction she had already replaced: hers stays.
    expect(itemAsOf(item, revisions, 6).reactions).toEqual({ '🎉': ['alice'], '👍': ['bob'] });
    expect(itemAsOf(item, revisions, 7).reactions).toEqual({ '🎉': ['alice'] });
  });
});

describe('what a reader sees of an item', () => {
  it('should be the item as of the end of the span covering the change, or nothing', () => {
    fc.assert(
      fc.property(spansArb, itemHistory, fc.nat(25), fc.nat(25), (spans, history, at, more) => {
        const revisions = revisionsOf(history.steps);
        const position = Math.max(at, revisions.at(-1)?.cs ?? 0) + more;
        const seen = itemSeenBy(spans, position, at, stored(revisions, history.deleted), revisions);
        const span = spans.find((s) => s.joinedCs <= at && (s.leftCs === null || at <= s.leftCs));
        if (!span || at > position) {
          expect(seen).toBeNull();
          return;
        }
        const end = Math.min(span.leftCs ?? position, position);
        expect(seenThrough(spans, at, position)).toBe(end);
        expect(seen).toEqual(naive(revisions, end, history.deleted));
      }),
    );
  });

  it('should show a member now the item as it is now', () => {
    fc.assert(
      fc.property(itemHistory, ({ steps, deleted }) => {
        const revisions = revisionsOf(steps);
        const position = MADE_AT + steps.length;
        const now = stored(revisions, deleted);
        expect(itemSeenBy([{ joinedCs: 1, leftCs: null }], position, MADE_AT, now, [])).toBe(
          now.item,
        );
      }),
    );
  });
});
