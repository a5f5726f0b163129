import { given } from '../testing/decider-spec';
import { CONVERSATION, groupCreated } from '../testing/history';

const conversationId = CONVERSATION;

describe('receipts', () => {
  it('acknowledges delivery for the acting device', () => {
    given(groupCreated('alice', ['bob']))
      .when('bob', { type: 'AcknowledgeDelivered', conversationId, deviceId: null, upToSeq: 1 })
      .then([
        { type: 'MessagesDelivered', conversationId, userId: 'bob', deviceId: 'phone', upToSeq: 1 },
      ]);
  });

  it('needs a device to acknowledge delivery', () => {
    given(groupCreated('alice', ['bob']))
      .when(
        { userId: 'bob', deviceId: null },
        { type: 'AcknowledgeDelivered', conversationId, deviceId: null, upToSeq: 1 },
      )
      .thenFails('device-required');
  });

  it('lets only members mark read', () => {
    given(groupCreated('alice', ['bob']))
      .when('mallory', { type: 'MarkRead', conversationId, upToSeq: 1 })
      .thenFails('not-a-member');
  });
});
