import type { MessageFacts } from '@chat/domain';
import type { StoredConversation } from '@chat/views';
import { WrittenSinceJoin } from './written-since-join';

const stored = (conversationId: string, lastSeq: number): StoredConversation => ({
  state: {
    conversationId,
    kind: 'GROUP',
    title: 'Team',
    members: new Map(),
    lastSeq,
    lastCs: lastSeq,
  },
  appliedThrough: 10n,
});
const facts = (conversationId: string, messageId: string): MessageFacts => ({
  conversationId,
  messageId,
  seq: 2,
  senderId: 'alice',
  clientMessageId: `client-${messageId}`,
  deleted: false,
});

describe('what a projector remembers of its own writes', () => {
  it('knows nothing of a conversation it has not loaded', () => {
    const memory = new WrittenSinceJoin();
    expect(memory.state('g-1')).toBeUndefined();
    expect(memory.message('g-1', 'm1')).toBeUndefined();
  });

  it('answers "no such message" for a conversation it saw created, without a read', () => {
    const memory = new WrittenSinceJoin();
    memory.loaded('g-new', undefined);
    expect(memory.state('g-new')).toBeNull();
    expect(memory.message('g-new', 'm1')).toBeNull();
    memory.learned(facts('g-new', 'm1'));
    expect(memory.message('g-new', 'm1')).toEqual(facts('g-new', 'm1'));
    expect(memory.send('g-new', 'alice', 'client-m1')).toEqual(facts('g-new', 'm1'));
  });

  it('does not claim absence for a conversation that existed before it joined', () => {
    const memory = new WrittenSinceJoin();
    memory.loaded('g-old', stored('g-old', 40));
    expect(memory.message('g-old', 'm1')).toBeUndefined();
    expect(memory.send('g-old', 'alice', 'client-m1')).toBeUndefined();
  });

  it('keeps the latest stored state and forgets everything on a rejoin', () => {
    const memory = new WrittenSinceJoin();
    memory.loaded('g-1', undefined);
    memory.stored('g-1', stored('g-1', 3));
    expect(memory.state('g-1')).toEqual(stored('g-1', 3));
    memory.forget();
    expect(memory.state('g-1')).toBeUndefined();
  });
});
