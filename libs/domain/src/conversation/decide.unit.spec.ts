import { contextFor, given } from '../testing/decider-spec';
import {
  CONVERSATION,
  directCreated,
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageSent,
} from '../testing/history';
import { decide } from './decide';
import { ConversationLedger } from './ledger';

const conversationId = CONVERSATION;
const send = (clientMessageId: string, body: string | null = 'hi') => ({
  type: 'SendMessage' as const,
  conversationId,
  messageId: `m-${clientMessageId}`,
  clientMessageId,
  kind: 'TEXT' as const,
  body,
  replyTo: null,
  ciphertext: null,
  media: null,
});

describe('creating conversations', () => {
  it('creates a direct conversation between two users', () => {
    given()
      .when('alice', {
        type: 'CreateDirectConversation',
        conversationId: 'direct-1',
        peerId: 'bob',
      })
      .then([
        {
          type: 'ConversationCreated',
          conversationId: 'direct-1',
          kind: 'DIRECT',
          title: null,
          creatorId: 'alice',
          members: ['alice', 'bob'],
        },
      ]);
  });

  it('creates nothing when the direct conversation already exists', () => {
    given(directCreated('bob', 'alice'))
      .when('alice', {
        type: 'CreateDirectConversation',
        conversationId: 'direct-1',
        peerId: 'bob',
      })
      .thenNothingHappened();
  });

  it('refuses a direct conversation with yourself', () => {
    given()
      .when('alice', {
        type: 'CreateDirectConversation',
        conversationId: 'direct-1',
        peerId: 'alice',
      })
      .thenFails('invalid-members');
  });

  it('makes the creator a member of a new group even when not listed', () => {
    given()
      .when('alice', { type: 'CreateGroup', conversationId, title: 'Team', members: ['bob'] })
      .then([
        {
          type: 'ConversationCreated',
          conversationId,
          kind: 'GROUP',
          title: 'Team',
          creatorId: 'alice',
          members: ['alice', 'bob'],
        },
      ]);
  });

  it('refuses a group larger than the member limit (5 in these specs)', () => {
    given()
      .when('alice', {
        type: 'CreateGroup',
        conversationId,
        title: 'Team',
        members: ['b', 'c', 'd', 'e', 'f'],
      })
      .thenFails('group-full');
  });

  it('refuses a member listed twice', () => {
    given()
      .when('alice', { type: 'CreateGroup', conversationId, title: 'T', members: ['bob', 'bob'] })
      .thenFails('invalid-members');
  });
});

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

  it('refuses commands on a conversation that does not exist', () => {
    given()
      .when('alice', { type: 'AddMember', conversationId, userId: 'bob', role: 'MEMBER' })
      .thenFails('conversation-not-found');
    given().when('alice', send('c1')).thenFails('conversation-not-found');
  });
});

describe('messages', () => {
  it('lets a member send a text message', () => {
    given(groupCreated('alice', ['bob']))
      .when('bob', send('c1', 'hello'))
      .then([
        {
          type: 'MessageSent',
          conversationId,
          messageId: 'm-c1',
          clientMessageId: 'c1',
          senderId: 'bob',
          deviceId: 'phone',
          kind: 'TEXT',
          body: 'hello',
          replyTo: null,
          ciphertext: null,
          media: null,
        },
      ]);
  });

  it('does not let a non-member send', () => {
    given(groupCreated('alice', ['bob']))
      .when('mallory', send('c1'))
      .thenFails('not-a-member');
  });

  it('does not let a removed member send', () => {
    given(groupCreated('alice', ['bob']), memberRemoved('bob', 'alice'))
      .when('bob', send('c1'))
      .thenFails('not-a-member');
  });

  it('appends nothing for a retry with the same client message id', () => {
    given(groupCreated('alice', ['bob']), messageSent('bob', 'm-1', conversationId, 'c1'))
      .when('bob', send('c1'))
      .thenNothingHappened();
  });

  it('refuses a client message id the sender already used in another conversation', () => {
    given(
      groupCreated('alice', ['bob']),
      groupCreated('alice', ['bob'], 'other'),
      messageSent('bob', 'm-1', 'other', 'c1'),
    )
      .when('bob', send('c1'))
      .thenFails('duplicate-message');
  });

  it('counts the body length in characters, not bytes (20 in these specs)', () => {
    const history = [groupCreated('alice', ['bob'])];
    given(...history)
      .when('bob', send('c1', '😀'.repeat(20)))
      .then(expect.any(Array));
    given(...history)
      .when('bob', send('c2', '😀'.repeat(21)))
      .thenFails('message-too-long');
  });

  it('refuses an empty text message and a media message without media', () => {
    const history = [groupCreated('alice', ['bob'])];
    given(...history)
      .when('bob', send('c1', null))
      .thenFails('invalid-message');
    given(...history)
      .when('bob', { ...send('c2'), kind: 'MEDIA' })
      .thenFails('invalid-message');
  });

  it('accepts opaque ciphertext without a body', () => {
    const history = [groupCreated('alice', ['bob'])];
    const ciphertext = { algorithm: 'x3dh+double-ratchet', data: Buffer.from([1, 2, 3]) };
    const [event] = given(...history)
      .when('bob', { ...send('c1', null), ciphertext })
      .then(expect.any(Array));
    expect(event).toMatchObject({ body: null, ciphertext });
  });

  it('refuses a reply to a message of another conversation', () => {
    given(
      groupCreated('alice', ['bob']),
      groupCreated('alice', ['bob'], 'other'),
      messageSent('alice', 'elsewhere', 'other'),
    )
      .when('bob', { ...send('c1'), replyTo: 'elsewhere' })
      .thenFails('message-not-found');
  });

  it('tells an outsider only that they are not a member, whether the message exists or not', () => {
    const history = [groupCreated('alice', ['bob']), messageSent('bob', 'm-1')];
    for (const messageId of ['m-1', 'no-such-message']) {
      given(...history)
        .when('mallory', { type: 'DeleteMessage', conversationId, messageId })
        .thenFails('not-a-member');
      given(...history)
        .when('mallory', { type: 'AddReaction', conversationId, messageId, emoji: '👍' })
        .thenFails('not-a-member');
    }
  });

  it('lets only the author edit', () => {
    const history = [groupCreated('alice', ['bob']), messageSent('bob', 'm-1')];
    const edit = {
      type: 'EditMessage' as const,
      conversationId,
      messageId: 'm-1',
      body: 'fixed',
      ciphertext: null,
    };
    given(...history)
      .when('bob', edit)
      .then([
        {
          type: 'MessageEdited',
          conversationId,
          messageId: 'm-1',
          editorId: 'bob',
          body: 'fixed',
          ciphertext: null,
        },
      ]);
    given(...history)
      .when('alice', edit)
      .thenFails('not-the-author');
  });

  it('lets the author or an admin delete, but not another member', () => {
    const history = [groupCreated('alice', ['bob', 'carol']), messageSent('bob', 'm-1')];
    const del = { type: 'DeleteMessage' as const, conversationId, messageId: 'm-1' };
    given(...history)
      .when('bob', del)
      .then(expect.any(Array));
    given(...history)
      .when('alice', del)
      .then(expect.any(Array));
    given(...history)
      .when('carol', del)
      .thenFails('not-author-or-admin');
  });

  it('refuses to edit, delete or react to a deleted message', () => {
    const history = [
      groupCreated('alice', ['bob']),
      messageSent('bob', 'm-1'),
      messageDeleted('m-1', 'bob'),
    ];
    given(...history)
      .when('bob', {
        type: 'EditMessage',
        conversationId,
        messageId: 'm-1',
        body: 'x',
        ciphertext: null,
      })
      .thenFails('message-deleted');
    given(...history)
      .when('bob', { type: 'AddReaction', conversationId, messageId: 'm-1', emoji: '👍' })
      .thenFails('message-deleted');
  });

  it('lets members react to a message', () => {
    given(groupCreated('alice', ['bob']), messageSent('bob', 'm-1'))
      .when('alice', { type: 'AddReaction', conversationId, messageId: 'm-1', emoji: '👍' })
      .then([
        { type: 'ReactionAdded', conversationId, messageId: 'm-1', userId: 'alice', emoji: '👍' },
      ]);
  });
});

describe('receipts', () => {
  it('acknowledges delivery for the acting device', () => {
    given(groupCreated('alice', ['bob']))
      .when('bob', { type: 'AcknowledgeDelivered', conversationId, deviceId: null, upToSeq: 1 })
      .then([
        { type: 'MessagesDelivered', conversationId, userId: 'bob', deviceId: 'phone', upToSeq: 1 },
      ]);
  });

  it('needs a device to acknowledge delivery', () => {
    const state = { conversation: null };
    const decision = decide(
      { type: 'AcknowledgeDelivered', conversationId, deviceId: null, upToSeq: 1 },
      state,
      contextFor('bob', null),
    );
    expect(decision.ok ? 'accepted' : decision.error.code).toBe('device-required');
  });

  it('lets only members mark read', () => {
    given(groupCreated('alice', ['bob']))
      .when('mallory', { type: 'MarkRead', conversationId, upToSeq: 1 })
      .thenFails('not-a-member');
  });
});
