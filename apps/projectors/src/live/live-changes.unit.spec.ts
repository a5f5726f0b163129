import fc from 'fast-check';
import {
  directCreated,
  messageDeleted,
  messageEdited,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageSent,
  messagesRead,
  reaction,
} from '@chat/domain/testing';
import type { ConversationEvent } from '@chat/events';
import { foldHistory } from '../testing/fold-history';
import { groupHistory } from '../testing/group-history';
import { liveChanges } from './live-changes';

const projected = (events: ConversationEvent[]) => liveChanges(foldHistory(events));

const summary = (batches: ReturnType<typeof projected>) =>
  batches.map((batch) => ({
    conversationId: batch.conversationId,
    segments: batch.segments.map((segment) => ({
      recipients: segment.recipients,
      changes: segment.changes.map((c) =>
        c.type === 'message' || c.type === 'membership' ? `item ${c.item.seq}` : c.type,
      ),
    })),
  }));

describe('what clients are told after a batch is projected', () => {
  it('sends each change to the members at its point in the log', () => {
    const batches = projected([
      groupCreated('alice', ['bob']),
      messageSent('alice', 'm1'),
      memberAdded('carol', 'alice'),
      messageSent('carol', 'm2'),
      reaction(true, 'm1', 'bob', '👍'),
      memberRemoved('bob', 'alice'),
      messageSent('alice', 'm3'),
    ]);
    expect(summary(batches)).toEqual([
      {
        conversationId: 'group-1',
        segments: [
          { recipients: ['alice', 'bob'], changes: ['item 1', 'item 2'] },
          { recipients: ['alice', 'bob', 'carol'], changes: ['item 3', 'item 4'] },
          // A reaction to m1 (seq 2): carol joined at seq 3 and gets only its cs.
          { recipients: ['alice', 'bob'], changes: ['reaction'] },
          { recipients: ['carol'], changes: ['skip'] },
          // Bob still hears that he was removed (item 5), then nothing more.
          { recipients: ['alice', 'bob', 'carol'], changes: ['item 5'] },
          { recipients: ['alice', 'carol'], changes: ['item 6'] },
        ],
      },
    ]);
  });

  it('never tells anyone about an event the rules ignored', () => {
    const batches = projected([
      groupCreated('alice', ['bob']),
      memberRemoved('bob', 'alice'),
      messageSent('bob', 'too-late'),
    ]);
    const items = batches.flatMap((b) => b.segments.flatMap((s) => s.changes));
    expect(items.map((c) => c.type === 'membership' && c.item.eventType)).toEqual([
      'ConversationCreated',
      'MemberRemoved',
    ]);
  });

  it('sends group receipts to the reader only, direct receipts to both', () => {
    const group = projected([groupCreated('alice', ['bob']), messagesRead('bob', 1)]);
    expect(group[0]!.segments.at(-1)).toMatchObject({
      recipients: ['bob'],
      changes: [{ type: 'receipt', userId: 'bob', receipt: 'read', upToSeq: 1 }],
    });
    expect(group[0]!.segments.at(-1)!.changes[0]).not.toHaveProperty('cs');
    const direct = projected([directCreated('alice', 'bob'), messagesRead('bob', 1, 'direct-1')]);
    expect(direct[0]!.segments.at(-1)!.recipients).toEqual(['alice', 'bob']);
    expect(direct[0]!.segments.at(-1)!.changes.at(-1)).toMatchObject({ type: 'receipt', cs: 2 });
  });
});

/** What each user receives from a history: [frame type, cs] in order. */
function received(events: ConversationEvent[]) {
  const byUser = new Map<string, Array<[string, number | undefined]>>();
  for (const batch of projected(events)) {
    for (const segment of batch.segments) {
      for (const userId of segment.recipients) {
        const list = byUser.get(userId) ?? [];
        for (const change of segment.changes) list.push([change.type, change.cs]);
        byUser.set(userId, list);
      }
    }
  }
  return byUser;
}

describe('the change cursor of live changes', () => {
  it('does not push a change to a message from before a member joined, only its cs', () => {
    const got = received([
      groupCreated('alice', ['bob']), // cs 1, seq 1
      messageSent('alice', 'm1'), // cs 2, seq 2
      memberAdded('carol', 'alice'), // cs 3, seq 3
      messageEdited('m1', 'alice', 'edited'), // cs 4
      reaction(true, 'm1', 'bob', '👍'), // cs 5
      messageDeleted('m1', 'alice'), // cs 6
      messageSent('bob', 'm2'), // cs 7, seq 4
      reaction(true, 'm2', 'carol', '🎉'), // cs 8
    ]);
    expect(got.get('carol')).toEqual([
      ['membership', 3],
      ['skip', 4],
      ['skip', 5],
      ['skip', 6],
      ['message', 7],
      ['reaction', 8],
    ]);
    expect(got.get('bob')!.map(([type]) => type)).toEqual([
      'membership',
      'message',
      'membership',
      'edit',
      'reaction',
      'delete',
      'message',
      'reaction',
    ]);
  });

  it('tells a removed member of their removal, with its cs, and nothing after', () => {
    const got = received([
      groupCreated('alice', ['bob']),
      memberRemoved('bob', 'alice'),
      messageSent('alice', 'm1'),
    ]);
    expect(got.get('bob')).toEqual([
      ['membership', 1],
      ['membership', 2],
    ]);
  });

  it('gives each member every cs from the change that added them to the one that removed them', () => {
    const history = groupHistory();
    fc.assert(
      fc.property(history, (events) => {
        const expected = new Map<string, number[]>();
        for (const o of foldHistory(events)) {
          if (o.cs === undefined) continue;
          for (const userId of ['alice', 'bob', 'carol', 'dave']) {
            const removedNow = o.event.type === 'MemberRemoved' && o.event.userId === userId;
            if (o.state!.members.has(userId) || removedNow) {
              expected.set(userId, [...(expected.get(userId) ?? []), o.cs]);
            }
          }
        }
        const got = received(events);
        for (const [userId, cs] of expected) {
          const withCs = got.get(userId)!.flatMap(([, c]) => (c === undefined ? [] : [c]));
          expect(withCs).toEqual(cs);
        }
      }),
    );
  });
});
