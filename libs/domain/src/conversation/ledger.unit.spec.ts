import fc from 'fast-check';
import type { ConversationEvent } from '@chat/events';
import {
  CONVERSATION,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageSent,
  messagesRead,
} from '../testing/history';
import { ConversationLedger, type Outcome } from './ledger';
import { takesSeq } from './conversation-state';

const users = ['alice', 'bob', 'carol', 'dave'];
const user = fc.constantFrom(...users);
const messageId = fc.constantFrom('m1', 'm2', 'm3', 'm4');

/** Any history of one group, valid or not: races, duplicates, strangers, deleted targets. */
const anyEvent: fc.Arbitrary<ConversationEvent> = fc.oneof(
  fc.tuple(user, user).map(([a, b]) => groupCreated(a, a === b ? [] : [b])),
  fc
    .tuple(user, user, fc.constantFrom(null, 2, 3))
    .map(([u, by, limit]) => memberAdded(u, by, 'MEMBER', CONVERSATION, limit)),
  fc.tuple(user, user).map(([u, by]) => memberRemoved(u, by)),
  fc.tuple(user, messageId).map(([u, m]) => messageSent(u, m)),
  fc.tuple(messageId, user).map(([m, u]) => messageDeleted(m, u)),
  fc.tuple(user, fc.nat(20)).map(([u, seq]) => messagesRead(u, seq)),
);
const history = fc.array(anyEvent, { maxLength: 60 });

const fold = (events: ConversationEvent[]): Outcome[] => {
  const ledger = new ConversationLedger({ conversations: [], messages: [] });
  return events.map((event) => ledger.apply(event));
};

describe('the conversation ledger', () => {
  it('numbers accepted timeline items 1, 2, 3... with no gap, whatever the history', () => {
    fc.assert(
      fc.property(history, (events) => {
        const seqs = fold(events).flatMap((o) => (o.seq === undefined ? [] : [o.seq]));
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      }),
    );
  });

  it('gives a seq exactly to accepted messages and membership changes', () => {
    fc.assert(
      fc.property(history, (events) => {
        for (const o of fold(events)) {
          expect(o.seq !== undefined).toBe(o.verdict.accepted && takesSeq(o.event));
        }
      }),
    );
  });

  it('accepts a message only from a member at its position in the log', () => {
    fc.assert(
      fc.property(history, (events) => {
        const ledger = new ConversationLedger({ conversations: [], messages: [] });
        for (const event of events) {
          const before = ledger.conversation(CONVERSATION);
          const outcome = ledger.apply(event);
          if (event.type === 'MessageSent' && outcome.verdict.accepted) {
            expect(before?.members.has(event.senderId)).toBe(true);
          }
        }
      }),
    );
  });

  it('never lets an accepted add take a group past the limit it carries', () => {
    fc.assert(
      fc.property(history, (events) => {
        for (const o of fold(events)) {
          if (o.event.type === 'MemberAdded' && o.verdict.accepted && o.event.memberLimit) {
            expect(o.state!.members.size).toBeLessThanOrEqual(o.event.memberLimit);
          }
        }
      }),
    );
  });

  it('judges the same history the same way every time (a rebuild agrees with the live view)', () => {
    fc.assert(
      fc.property(history, (events) => {
        const verdicts = (outcomes: Outcome[]) => outcomes.map((o) => [o.verdict, o.seq]);
        expect(verdicts(fold(events))).toEqual(verdicts(fold(events)));
      }),
    );
  });

  it('ignores a message delivered twice', () => {
    const outcomes = fold([
      groupCreated('alice', ['bob']),
      messageSent('bob', 'm1'),
      messageSent('bob', 'm1'),
    ]);
    expect(outcomes.map((o) => (o.verdict.accepted ? 'accepted' : o.verdict.reason))).toEqual([
      'accepted',
      'accepted',
      'duplicate-message',
    ]);
  });

  it('ignores a send that raced with the sender being removed, and records why', () => {
    const [, , late] = fold([
      groupCreated('alice', ['bob']),
      memberRemoved('bob', 'alice'),
      messageSent('bob', 'm1'),
    ]);
    expect(late!.verdict).toEqual({
      accepted: false,
      reason: 'not-a-member',
      detail: 'bob is not a member',
    });
  });

  it('continues numbering from a state loaded from a store', () => {
    const first = new ConversationLedger({ conversations: [], messages: [] });
    first.apply(groupCreated('alice', ['bob']));
    first.apply(messageSent('bob', 'm1'));
    const resumed = new ConversationLedger({
      conversations: first.states(),
      messages: [first.message(CONVERSATION, 'm1')!],
    });
    expect(resumed.apply(messageSent('alice', 'm2')).seq).toBe(3);
    expect(resumed.apply(messageSent('bob', 'm1')).verdict.accepted).toBe(false);
  });
});
