import {
  directCreated,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageSent,
  messagesRead,
  reaction,
} from '@chat/domain/testing';
import type { ConversationEvent } from '@chat/events';
import { foldHistory } from '../testing/fold-history';
import { liveChanges } from './live-changes';

const projected = (events: ConversationEvent[]) => liveChanges(foldHistory(events));

const summary = (batches: ReturnType<typeof projected>) =>
  batches.map((batch) => ({
    conversationId: batch.conversationId,
    segments: batch.segments.map((segment) => ({
      recipients: segment.recipients,
      changes: segment.changes.map((c) => (c.kind === 'item' ? `item ${c.item.seq}` : c.kind)),
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
          // Bob still hears that he was removed (item 5), then nothing more.
          {
            recipients: ['alice', 'bob', 'carol'],
            changes: ['item 3', 'item 4', 'reaction', 'item 5'],
          },
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
    expect(items.map((c) => c.kind === 'item' && c.item.eventType)).toEqual([
      'ConversationCreated',
      'MemberRemoved',
    ]);
  });

  it('sends group receipts to the reader only, direct receipts to both', () => {
    const group = projected([groupCreated('alice', ['bob']), messagesRead('bob', 1)]);
    expect(group[0]!.segments.at(-1)).toMatchObject({
      recipients: ['bob'],
      changes: [{ kind: 'receipt', userId: 'bob', receipt: 'read', upToSeq: 1 }],
    });
    const direct = projected([directCreated('alice', 'bob'), messagesRead('bob', 1, 'direct-1')]);
    expect(direct[0]!.segments.at(-1)!.recipients).toEqual(['alice', 'bob']);
  });
});
