import { previewOf } from '@chat/domain';
import type { ConsumedEvent, NotificationEvent } from '@chat/events';
import { isNotificationEvent } from '@chat/events';

/** A message to decide pushes for once it is due. */
export interface PendingPush {
  conversationId: string;
  messageId: string;
  senderId: string;
  partition: number;
  offset: string;
  sentAt: number;
  /** Null for ciphertext (and media without text): the push says only "new message". */
  preview: string | null;
}

/**
 * An edit of a message that may still be pending: the push says what the message says when it
 * is sent, not what it said when it was written.
 */
export interface PendingEdit {
  conversationId: string;
  messageId: string;
  /** Only the author's edit counts (the rules refuse anyone else's). */
  editorId: string;
  /** Where the edit is in the log: the dispatcher waits for the inbox to have judged it too. */
  offset: string;
  preview: string | null;
}

export interface PushChanges {
  /** Subscription and mute changes, in log order (per user, which is the topic's key). */
  settings: NotificationEvent[];
  pending: PendingPush[];
  /** The last edit of each message by each editor in the batch. */
  edits: PendingEdit[];
}

/**
 * The writes a batch means for the notifier: every notification event as it comes, a pending
 * push for every user message sent, and the edits that change what a pending push says. Whether the send counts and its seq are not
 * decided here: the dispatcher reads them from the inbox once the inbox has judged it, so the
 * ledger alone decides, as in every other view. Pure, and idempotent once written (pending rows
 * are keyed by message).
 */
export function pushChanges(consumed: ConsumedEvent[]): PushChanges {
  const settings: NotificationEvent[] = [];
  const pending: PendingPush[] = [];
  const edits = new Map<string, PendingEdit>();
  for (const { event, partition, offset } of consumed) {
    if (isNotificationEvent(event)) settings.push(event);
    else if (event.type === 'MessageEdited') {
      const { conversationId, messageId, editorId } = event;
      edits.set(JSON.stringify([conversationId, messageId, editorId]), {
        conversationId,
        messageId,
        editorId,
        offset,
        preview: previewOf(event.body, event.ciphertext),
      });
    } else if (event.type === 'MessageSent' && event.kind !== 'SYSTEM') {
      pending.push({
        conversationId: event.conversationId,
        messageId: event.messageId,
        senderId: event.senderId,
        partition,
        offset,
        sentAt: event.envelope.occurredAt,
        preview: previewOf(event.body, event.ciphertext),
      });
    }
  }
  return { settings, pending, edits: [...edits.values()] };
}
