import { FoldedHistory } from './folded-history';
import { groupCreated, messageDeleted, messageSent } from './history';

const query = { conversationId: 'group-1', memberIds: null, messageId: null, sentBy: null };

describe('a folded history answering decision queries', () => {
  const folded = new FoldedHistory([
    groupCreated('alice', ['bob', 'carol']),
    groupCreated('alice', ['bob'], 'other'),
    messageSent('bob', 'm-1', 'other', 'c1'),
    messageSent('bob', 'm-2', 'group-1', 'c1'),
    messageSent('bob', 'm-3', 'other', 'c2'),
    messageDeleted('m-2', 'bob'),
  ]);

  it('loads only the members asked for, and every member for null', () => {
    const only = folded.decisionState({ ...query, memberIds: ['carol', 'mallory'] });
    expect([...only.conversation!.members.keys()]).toEqual(['carol']);
    const all = folded.decisionState(query);
    expect([...all.conversation!.members.keys()]).toEqual(['alice', 'bob', 'carol']);
  });

  it('loads the message named, as it stands now, and nothing when none is named', () => {
    expect(folded.decisionState({ ...query, messageId: 'm-2' }).message).toMatchObject({
      messageId: 'm-2',
      deleted: true,
    });
    expect(folded.decisionState({ ...query, messageId: 'm-1' }).message).toBeNull();
    expect(folded.decisionState(query).message).toBeNull();
  });

  it("finds a sender's earlier send in this conversation first, else in any", () => {
    const sentBy = (clientMessageId: string) =>
      folded.decisionState({ ...query, sentBy: { senderId: 'bob', clientMessageId } }).duplicate;
    expect(sentBy('c1')).toMatchObject({ messageId: 'm-2' });
    expect(sentBy('c2')).toMatchObject({ messageId: 'm-3', conversationId: 'other' });
    expect(sentBy('c3')).toBeNull();
  });

  it('refuses a history the ledger ignores part of', () => {
    expect(() => new FoldedHistory([messageSent('bob', 'm-1')])).toThrow(/MessageSent was ignored/);
  });
});
