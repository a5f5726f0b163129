import type { ChatEvent, ConsumedEvent } from '@chat/events';
import { sampleEvents } from '@chat/events/testing';
import { pushChanges } from './push-changes';

const consumed = (events: ChatEvent[]): ConsumedEvent[] =>
  events.map((event, i) => ({
    event,
    topic: 'any',
    partition: 2,
    offset: String(100 + i),
    timestamp: 0,
  }));

const sent = sampleEvents('conv-1').find((e) => e.type === 'MessageSent')!;
if (sent.type !== 'MessageSent') throw new Error('no sample send');

describe('push changes of a batch', () => {
  it('should make a pending push of a plaintext send, with where it is in the log', () => {
    const plain = { ...sent, kind: 'TEXT' as const, ciphertext: null, media: null };
    expect(pushChanges(consumed([plain])).pending).toEqual([
      {
        conversationId: 'conv-1',
        messageId: sent.messageId,
        senderId: 'user-alice',
        partition: 2,
        offset: '100',
        sentAt: sent.envelope.occurredAt,
        preview: 'héllo wörld',
      },
    ]);
  });

  it('should keep no text of a send that carries ciphertext, and make nothing of a notice', () => {
    const [encrypted] = pushChanges(consumed([sent])).pending;
    expect(encrypted!.preview).toBeNull();
    const notice = { ...sent, kind: 'SYSTEM' as const };
    expect(pushChanges(consumed([notice])).pending).toEqual([]);
  });

  it('should pass subscription and mute events on in log order, and nothing else', () => {
    const changes = pushChanges(consumed(sampleEvents('conv-1')));
    expect(changes.settings.map((e) => e.type)).toEqual([
      'PushSubscriptionRegistered',
      'PushSubscriptionRemoved',
      'ConversationMuteChanged',
    ]);
    expect(changes.pending).toHaveLength(1);
  });

  it('should keep the last edit of a message by each editor, with its preview and place', () => {
    const edit = (editorId: string, body: string | null): ChatEvent => ({
      type: 'MessageEdited',
      envelope: { ...sent.envelope, eventType: 'MessageEdited' },
      conversationId: 'conv-1',
      messageId: sent.messageId,
      editorId,
      body,
      ciphertext: body === null ? { algorithm: 'x', data: Buffer.from('k') } : null,
    });
    const { edits } = pushChanges(
      consumed([
        edit('user-alice', 'first'),
        edit('user-mallory', 'forged'),
        edit('user-alice', null),
      ]),
    );
    expect(edits).toEqual([
      {
        conversationId: 'conv-1',
        messageId: sent.messageId,
        editorId: 'user-alice',
        offset: '102',
        preview: null,
      },
      expect.objectContaining({ editorId: 'user-mallory', offset: '101', preview: 'forged' }),
    ]);
  });
});
