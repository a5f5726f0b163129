import { given } from '../testing/decider-spec';
import {
  CONVERSATION,
  groupCreated,
  memberRemoved,
  messageDeleted,
  messageSent,
} from '../testing/history';

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

  it('refuses a send to a conversation that does not exist', () => {
    given().when('alice', send('c1')).thenFails('conversation-not-found');
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
