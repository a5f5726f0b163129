import fc from 'fast-check';
import type { ConversationEvent } from '@chat/events';
import {
  CONVERSATION,
  directCreated,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
  messagesRead,
  reaction,
} from '../testing/history';
import { ConversationLedger, type Outcome } from './ledger';
import { takesCs } from './conversation-state';

const users = ['alice', 'bob', 'carol', 'dave'];
const user = fc.constantFrom(...users);
const messageId = fc.constantFrom('m1', 'm2', 'm3', 'm4');

/** Any history of one conversation (group or direct), valid or not. */
const eventsIn = (created: fc.Arbitrary<ConversationEvent>, conversationId: string) =>
  fc.array(
    fc.oneof(
      created,
      fc.tuple(user, user).map(([u, by]) => memberAdded(u, by, 'MEMBER', conversationId)),
      fc.tuple(user, user).map(([u, by]) => memberRemoved(u, by, conversationId)),
      fc.tuple(user, messageId).map(([u, m]) => messageSent(u, m, conversationId)),
      fc.tuple(messageId, user).map(([m, u]) => messageDeleted(m, u, conversationId)),
      fc.tuple(messageId, user).map(([m, u]) => messageEdited(m, u, 'edited', conversationId)),
      fc
        .tuple(fc.boolean(), messageId, user)
        .map(([added, m, u]) => reaction(added, m, u, '👍', conversationId)),
      fc.tuple(user, fc.nat(20)).map(([u, seq]) => messagesRead(u, seq, conversationId)),
    ),
    { maxLength: 60 },
  );
const groupHistory = eventsIn(
  fc.tuple(user, user).map(([a, b]) => groupCreated(a, a === b ? [] : [b])),
  CONVERSATION,
);
const directHistory = eventsIn(
  fc.tuple(user, user).map(([a, b]) => directCreated(a, b)),
  'direct-1',
);
const anyHistory = fc.oneof(groupHistory, directHistory);

const fold = (events: ConversationEvent[]): Outcome[] => {
  const ledger = new ConversationLedger({ conversations: [], messages: [] });
  return events.map((event) => ledger.apply(event));
};
const csOf = (outcomes: Outcome[]) => outcomes.flatMap((o) => (o.cs === undefined ? [] : [o.cs]));

describe('the change sequence', () => {
  it('numbers accepted changes 1, 2, 3... with no gap, whatever the history', () => {
    fc.assert(
      fc.property(anyHistory, (events) => {
        const cs = csOf(fold(events));
        expect(cs).toEqual(cs.map((_, i) => i + 1));
      }),
    );
  });

  it('gives a cs to every accepted change except receipts in a group', () => {
    fc.assert(
      fc.property(anyHistory, (events) => {
        for (const o of fold(events)) {
          const kind = o.state?.kind;
          expect(o.cs !== undefined).toBe(
            o.verdict.accepted && kind !== undefined && takesCs(kind, o.event),
          );
          if (o.verdict.accepted && o.cs !== undefined) expect(o.state!.lastCs).toBe(o.cs);
        }
      }),
    );
  });

  it('assigns the same cs to the same history every time (a rebuild agrees)', () => {
    fc.assert(
      fc.property(anyHistory, (events) => {
        expect(csOf(fold(events))).toEqual(csOf(fold(events)));
      }),
    );
  });

  it('continues from a state loaded from a store, split anywhere', () => {
    fc.assert(
      fc.property(anyHistory, fc.nat(60), (events, at) => {
        const split = Math.min(at, events.length);
        const first = new ConversationLedger({ conversations: [], messages: [] });
        const before = events.slice(0, split).map((e) => first.apply(e));
        const ids = new Set(events.flatMap((e) => ('messageId' in e ? [e.messageId] : [])));
        const resumed = new ConversationLedger({
          conversations: first.states(),
          messages: [...ids].flatMap((id) => first.message(events[0]!.conversationId, id) ?? []),
        });
        const after = events.slice(split).map((e) => resumed.apply(e));
        expect(csOf([...before, ...after])).toEqual(csOf(fold(events)));
      }),
    );
  });

  it('numbers edits, deletes, reactions and direct receipts, but not group receipts', () => {
    const direct = fold([
      directCreated('alice', 'bob'),
      messageSent('alice', 'm1', 'direct-1'),
      messagesRead('bob', 2, 'direct-1'),
      messageEdited('m1', 'alice', 'again', 'direct-1'),
      reaction(true, 'm1', 'bob', '👍', 'direct-1'),
      messageDeleted('m1', 'alice', 'direct-1'),
    ]);
    expect(direct.map((o) => o.cs)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(direct.map((o) => o.seq)).toEqual([1, 2, undefined, undefined, undefined, undefined]);

    const group = fold([
      groupCreated('alice', ['bob']),
      messageSent('bob', 'm1'),
      messagesRead('alice', 2),
      memberAdded('carol', 'alice'),
      memberRemoved('bob', 'alice'),
    ]);
    expect(group.map((o) => o.cs)).toEqual([1, 2, undefined, 3, 4]);
  });

  it('gives an ignored event no cs and leaves the last cs where it was', () => {
    const [, , ignored] = fold([
      groupCreated('alice', ['bob']),
      memberRemoved('bob', 'alice'),
      messageSent('bob', 'm1'),
    ]);
    expect(ignored!.verdict.accepted).toBe(false);
    expect(ignored!.cs).toBeUndefined();
    expect(ignored!.state!.lastCs).toBe(2);
  });
});
