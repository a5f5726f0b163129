import type { ConversationCommand } from './commands';
import { decisionQueryOf } from './decision-query';

const conversationId = 'group-1';
const nothingElse = { conversationId, messageId: null, sentBy: null };

describe('what a decision loads', () => {
  it.each<ConversationCommand>([
    { type: 'CreateDirectConversation', conversationId, peerId: 'bob' },
    { type: 'CreateGroup', conversationId, title: 'Team', members: ['bob'] },
    { type: 'AddMember', conversationId, userId: 'carol', role: 'MEMBER' },
    { type: 'RemoveMember', conversationId, userId: 'carol' },
    { type: 'ChangeRole', conversationId, userId: 'carol', role: 'ADMIN' },
    { type: 'LeaveConversation', conversationId },
  ])('loads every member for $type, a membership command', (command) => {
    expect(decisionQueryOf('alice', command)).toEqual({ ...nothingElse, memberIds: null });
  });

  it.each<ConversationCommand>([
    { type: 'AcknowledgeDelivered', conversationId, deviceId: 'phone', upToSeq: 3 },
    { type: 'MarkRead', conversationId, upToSeq: 3 },
  ])("loads only the actor's membership for $type", (command) => {
    expect(decisionQueryOf('alice', command)).toEqual({ ...nothingElse, memberIds: ['alice'] });
  });

  it.each<ConversationCommand>([
    { type: 'EditMessage', conversationId, messageId: 'm-1', body: 'x', ciphertext: null },
    { type: 'DeleteMessage', conversationId, messageId: 'm-1' },
    { type: 'AddReaction', conversationId, messageId: 'm-1', emoji: '👍' },
    { type: 'RemoveReaction', conversationId, messageId: 'm-1', emoji: '👍' },
  ])("loads the actor's membership and the message for $type", (command) => {
    expect(decisionQueryOf('alice', command)).toEqual({
      ...nothingElse,
      memberIds: ['alice'],
      messageId: 'm-1',
    });
  });

  const send = (replyTo: string | null): ConversationCommand => ({
    type: 'SendMessage',
    conversationId,
    messageId: 'm-2',
    clientMessageId: 'c-2',
    kind: 'TEXT',
    body: 'hi',
    replyTo,
    ciphertext: null,
    media: null,
  });

  it("loads for a send the sender's membership and earlier send under the client id", () => {
    expect(decisionQueryOf('alice', send(null))).toEqual({
      conversationId,
      memberIds: ['alice'],
      messageId: null,
      sentBy: { senderId: 'alice', clientMessageId: 'c-2' },
    });
  });

  it('loads for a reply the message replied to, not the new message', () => {
    expect(decisionQueryOf('alice', send('m-1'))).toMatchObject({ messageId: 'm-1' });
  });
});
