import {
  directCreated,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
  messagesRead,
  reaction,
} from '@chat/domain/testing';
import type { ConversationEvent } from '@chat/events';
import { foldHistory } from '../testing/fold-history';
import {
  itemsTakenBackFrom,
  reactionKey,
  timelineWrites,
  type ItemReactions,
} from './timeline-writes';

/** Events at offsets 100, 101, ... of partition 3, folded by a fresh ledger. */
const writesFor = (events: ConversationEvent[], stored?: ItemReactions) =>
  timelineWrites(foldHistory(events, { partition: 3, firstOffset: 100 }), stored);

/** What each reaction write does to its member's reaction. */
const slotsOf = (rows: ReturnType<typeof writesFor>['rows']) =>
  rows.flatMap((row) => (row.op === 'reaction' ? [[row.userId, row.emoji, row.slot]] : []));

describe('timeline writes', () => {
  it('writes an item per seq, message facts per send, and changes to the target seq', () => {
    const { rows } = writesFor([
      groupCreated('alice', ['bob']),
      messageSent('bob', 'm1'),
      messageEdited('m1', 'bob', 'edited'),
      reaction(true, 'm1', 'alice', '👍'),
      messageDeleted('m1', 'alice'),
    ]);
    const content = rows.filter((row) => row.op !== 'change' && row.op !== 'join');
    expect(content.map((row) => [row.op, 'seq' in row ? row.seq : null, row.at])).toEqual([
      ['item', 1, 100n],
      ['item', 2, 101n],
      ['message', 2, 101n],
      ['edit', 2, 102n],
      ['reaction', 2, 103n],
      ['delete', 2, 104n],
    ]);
  });

  it("replaces a member's reaction with each new one, so 100 distinct emoji leave one", () => {
    const adds = Array.from({ length: 100 }, (_, i) =>
      reaction(true, 'm1', 'alice', String.fromCodePoint(0x1f400 + i)),
    );
    const { rows } = writesFor([
      groupCreated('alice', ['bob']),
      messageSent('bob', 'm1'),
      ...adds,
      reaction(false, 'm1', 'alice', String.fromCodePoint(0x1f400)),
      reaction(false, 'm1', 'alice', String.fromCodePoint(0x1f400 + 99)),
    ]);
    // Each add overwrites alice's one slot; only the removal of the one she has clears it.
    expect(slotsOf(rows).map(([, , slot]) => slot)).toEqual([
      ...adds.map(() => 'set'),
      'keep',
      'clear',
    ]);
  });

  it('takes back a reaction only if the member has it, in the batch or as stored', () => {
    const history = [groupCreated('alice', ['bob']), messageSent('bob', 'm1')];
    const takeBack = [reaction(false, 'm1', 'alice', '👍'), reaction(false, 'm1', 'bob', '🎉')];
    const stored = new Map([
      [
        reactionKey('group-1', 2),
        new Map([
          ['alice', '👍'],
          ['bob', '👍'],
        ]),
      ],
    ]);
    expect(itemsTakenBackFrom(foldHistory([...history, ...takeBack]))).toEqual([['group-1', 2]]);
    expect(slotsOf(writesFor([...history, ...takeBack], stored).rows)).toEqual([
      ['alice', '👍', 'clear'],
      ['bob', '🎉', 'keep'],
    ]);
    expect(slotsOf(writesFor([...history, ...takeBack]).rows)).toEqual([
      ['alice', '👍', 'keep'],
      ['bob', '🎉', 'keep'],
    ]);
  });

  it('records an event the rules forbid at its position, with the reason, and no item', () => {
    const { rows } = writesFor([
      groupCreated('alice', ['bob']),
      memberRemoved('bob', 'alice'),
      messageSent('bob', 'late'),
      messageSent('alice', 'm1'),
      messageSent('alice', 'm1'),
    ]);
    const ignored = rows.filter((row) => row.op === 'ignored');
    expect(ignored.map((row) => row.op === 'ignored' && [row.reason, row.at])).toEqual([
      ['not-a-member', 102n],
      ['duplicate-message', 104n],
    ]);
    expect(rows.filter((row) => row.op === 'item').map((row) => 'seq' in row && row.seq)).toEqual([
      1, 2, 3,
    ]);
  });

  it('ends with one state per conversation, applied through the offset after its last event', () => {
    const { states } = writesFor([
      groupCreated('alice', ['bob'], 'g-1'),
      groupCreated('carol', ['dave'], 'g-2'),
      messageSent('alice', 'm1', 'g-1'),
      messagesRead('bob', 2, 'g-1'),
    ]);
    expect(states.map((s) => [s.conversationId, s.state.lastSeq, s.appliedThrough]).sort()).toEqual(
      [
        ['g-1', 2, 104n],
        ['g-2', 1, 102n],
      ],
    );
  });

  it('logs every change by cs with its offset, target seq and the user it is about', () => {
    const { rows } = writesFor([
      groupCreated('alice', ['bob']),
      messageSent('bob', 'm1'),
      messageEdited('m1', 'bob', 'edited'),
      memberAdded('carol', 'alice'),
      reaction(true, 'm1', 'carol', '👍'),
      messageDeleted('m1', 'alice'),
      messagesRead('bob', 2),
      memberRemoved('bob', 'alice'),
    ]);
    const changes = rows.flatMap((row) => (row.op === 'change' ? [row.change] : []));
    expect(changes.map((c) => [c.cs, c.offset, c.kind, c.seq, c.userId])).toEqual([
      [1, 100n, 'membership', 1, null],
      [2, 101n, 'message', 2, null],
      [3, 102n, 'edit', 2, 'bob'],
      [4, 103n, 'membership', 3, 'carol'],
      [5, 104n, 'reaction', 2, 'carol'],
      [6, 105n, 'delete', 2, 'alice'],
      // The group receipt at 106 has no cs; the removal is the next change.
      [7, 107n, 'membership', 4, 'bob'],
    ]);
    expect(rows.filter((row) => row.op === 'item').map((row) => 'cs' in row && row.cs)).toEqual([
      1, 2, 4, 7,
    ]);
  });

  it('opens a membership span at a join and closes it at the removal', () => {
    const { rows } = writesFor([
      groupCreated('alice', ['bob']),
      messageSent('bob', 'm1'),
      memberRemoved('bob', 'alice'),
      memberAdded('bob', 'alice'),
    ]);
    const spans = rows.flatMap((row) =>
      row.op === 'join'
        ? [['join', row.userId, row.joinedSeq, row.joinedCs]]
        : row.op === 'leave'
          ? [['leave', row.userId, row.joinedSeq, row.leftCs]]
          : [],
    );
    expect(spans).toEqual([
      ['join', 'alice', 1, 1],
      ['join', 'bob', 1, 1],
      ['leave', 'bob', 1, 3],
      ['join', 'bob', 4, 4],
    ]);
  });

  it('logs direct receipts as changes', () => {
    const { rows } = writesFor([directCreated('alice', 'bob'), messagesRead('bob', 1, 'direct-1')]);
    const changes = rows.flatMap((row) => (row.op === 'change' ? [row.change] : []));
    expect(changes.at(-1)).toMatchObject({ cs: 2, kind: 'receipt', userId: 'bob', upToSeq: 1 });
  });
});
