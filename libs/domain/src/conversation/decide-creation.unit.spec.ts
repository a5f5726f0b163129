import { given } from '../testing/decider-spec';
import { CONVERSATION, directCreated } from '../testing/history';

const conversationId = CONVERSATION;

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
