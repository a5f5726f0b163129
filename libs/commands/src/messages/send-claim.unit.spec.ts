import { sendClaimOf, type SendMessage } from './send-claim';

const send: SendMessage = {
  type: 'SendMessage',
  conversationId: 'g-1',
  messageId: 'm-1',
  clientMessageId: 'c-1',
  kind: 'TEXT',
  body: 'hello',
  replyTo: null,
  ciphertext: null,
  media: null,
};

describe("a send's once claim", () => {
  it('should name its sender and client message id, whatever the content', () => {
    expect(sendClaimOf('bob', send).key).toBe(sendClaimOf('bob', { ...send, body: 'other' }).key);
    expect(sendClaimOf('bob', send).key).not.toBe(sendClaimOf('alice', send).key);
  });

  it('should tell a retry (same content) from a reused id (other content)', () => {
    const { fingerprint } = sendClaimOf('bob', send);
    expect(sendClaimOf('bob', { ...send }).fingerprint).toBe(fingerprint);
    expect(sendClaimOf('bob', { ...send, body: 'other' }).fingerprint).not.toBe(fingerprint);
    expect(sendClaimOf('bob', { ...send, conversationId: 'g-2' }).fingerprint).not.toBe(
      fingerprint,
    );
  });

  it('should count the media a send carries as its content', () => {
    const media = { objectKey: 'conversations/g-1/m-1', contentType: 'image/png', sizeBytes: 3 };
    expect(sendClaimOf('bob', { ...send, kind: 'MEDIA', media }).fingerprint).not.toBe(
      sendClaimOf('bob', send).fingerprint,
    );
  });
});
