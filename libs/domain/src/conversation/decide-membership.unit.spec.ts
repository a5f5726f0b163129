import { given } from '../testing/decider-spec';
import { CONVERSATION, directCreated, groupCreated, memberAdded } from '../testing/history';
import { ConversationLedger } from './ledger';

const conversationId = CONVERSATION;

describe('membership', () => {
  it('lets an admin add a member', () => {
    given(groupCreated('alice', ['bob']))
      .when('alice', { type: 'AddMember', conversationId, userId: 'carol', role: 'MEMBER' })
      .then([
        {
          type: 'MemberAdded',
          conversationId,
          userId: 'carol',
          role: 'MEMBER',
          addedBy: 'alice',
          memberLimit: 5,
        },
      ]);
  });

  it('does not let a plain member add anyone', () => {
    given(groupCreated('alice', ['bob']))
      .when('bob', { type: 'AddMember', conversationId, userId: 'carol', role: 'MEMBER' })
      .thenFails('not-an-admin');
  });

  it('refuses to add somebody twice', () => {
    given(groupCreated('alice', ['bob']))
      .when('alice', { type: 'AddMember', conversationId, userId: 'bob', role: 'MEMBER' })
      .thenFails('already-a-member');
  });

  it('refuses a member beyond the limit', () => {
    given(groupCreated('alice', ['b', 'c', 'd', 'e']))
      .when('alice', { type: 'AddMember', conversationId, userId: 'f', role: 'MEMBER' })
      .thenFails('group-full');
  });

  it('ignores the later of two adds decided on the same state once the first filled the group', () => {
    // alice and three members (4), a limit of 5: each add alone fits, both together do not.
    const history = [groupCreated('alice', ['b', 'c', 'd'])];
    const add = (userId: string) =>
      given(...history)
        .when('alice', { type: 'AddMember', conversationId, userId, role: 'MEMBER' })
        .then([
          {
            type: 'MemberAdded',
            conversationId,
            userId,
            role: 'MEMBER',
            addedBy: 'alice',
            memberLimit: 5,
          },
        ]);
    const [first, second] = [add('e'), add('f')];
    const ledger = new ConversationLedger({ conversations: [], messages: [] });
    const verdicts = [...history, ...first, ...second].map((event) => ledger.apply(event).verdict);
    expect(verdicts.map((v) => (v.accepted ? 'accepted' : v.reason))).toEqual([
      'accepted',
      'accepted',
      'group-full',
    ]);
    expect([...ledger.conversation(conversationId)!.members.keys()]).toEqual([
      'alice',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('judges an add by the limit it carries, whatever the limit of the day', () => {
    // The same history folds the same way with the setting later raised or lowered.
    const ledger = new ConversationLedger({ conversations: [], messages: [] });
    const outcomes = [
      groupCreated('alice', ['b']),
      memberAdded('c', 'alice', 'MEMBER', conversationId, 3),
      memberAdded('d', 'alice', 'MEMBER', conversationId, 3),
      memberAdded('d', 'alice', 'MEMBER', conversationId, null),
    ].map((event) => ledger.apply(event).verdict);
    expect(outcomes.map((v) => (v.accepted ? 'accepted' : v.reason))).toEqual([
      'accepted',
      'accepted',
      'group-full',
      'accepted',
    ]);
  });

  it('keeps the membership of a direct conversation fixed', () => {
    given(directCreated('alice', 'bob', conversationId))
      .when('alice', { type: 'AddMember', conversationId, userId: 'carol', role: 'MEMBER' })
      .thenFails('membership-fixed');
  });

  it('does not let anybody leave a direct conversation', () => {
    given(directCreated('alice', 'bob', conversationId))
      .when('bob', { type: 'LeaveConversation', conversationId })
      .thenFails('membership-fixed');
  });

  it('lets an admin remove a member, but not a member remove an admin', () => {
    const history = [groupCreated('alice', ['bob', 'carol'])];
    given(...history)
      .when('alice', { type: 'RemoveMember', conversationId, userId: 'bob' })
      .then([
        {
          type: 'MemberRemoved',
          conversationId,
          userId: 'bob',
          reason: 'REMOVED',
          removedBy: 'alice',
        },
      ]);
    given(...history)
      .when('bob', { type: 'RemoveMember', conversationId, userId: 'alice' })
      .thenFails('not-an-admin');
  });

  it('treats removing yourself as leaving', () => {
    given(groupCreated('alice', ['bob']))
      .when('bob', { type: 'RemoveMember', conversationId, userId: 'bob' })
      .then([
        { type: 'MemberRemoved', conversationId, userId: 'bob', reason: 'LEFT', removedBy: 'bob' },
      ]);
  });

  it('promotes the longest-standing member when the last admin leaves', () => {
    given(groupCreated('alice', ['bob']), memberAdded('carol', 'alice'))
      .when('alice', { type: 'LeaveConversation', conversationId })
      .then([
        {
          type: 'MemberRemoved',
          conversationId,
          userId: 'alice',
          reason: 'LEFT',
          removedBy: 'alice',
        },
        {
          type: 'MemberRoleChanged',
          conversationId,
          userId: 'bob',
          role: 'ADMIN',
          changedBy: 'alice',
        },
      ]);
  });

  it('promotes nobody when another admin stays', () => {
    given(groupCreated('alice', ['bob']), memberAdded('carol', 'alice', 'ADMIN'))
      .when('alice', { type: 'LeaveConversation', conversationId })
      .then([
        {
          type: 'MemberRemoved',
          conversationId,
          userId: 'alice',
          reason: 'LEFT',
          removedBy: 'alice',
        },
      ]);
  });

  it('lets an admin change a role, and refuses a change to the same role', () => {
    const history = [groupCreated('alice', ['bob'])];
    given(...history)
      .when('alice', { type: 'ChangeRole', conversationId, userId: 'bob', role: 'ADMIN' })
      .then([
        {
          type: 'MemberRoleChanged',
          conversationId,
          userId: 'bob',
          role: 'ADMIN',
          changedBy: 'alice',
        },
      ]);
    given(...history)
      .when('alice', { type: 'ChangeRole', conversationId, userId: 'bob', role: 'MEMBER' })
      .thenFails('role-unchanged');
  });

  it('refuses a membership change in a conversation that does not exist', () => {
    given()
      .when('alice', { type: 'AddMember', conversationId, userId: 'bob', role: 'MEMBER' })
      .thenFails('conversation-not-found');
  });
});
