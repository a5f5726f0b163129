import type { ConversationEvent } from '@chat/events';

const PREVIEW_LENGTH = 100;

export const DELETED_PREVIEW = 'This message was deleted';

/** The line the inbox shows for a timeline item. Never needs plaintext of encrypted messages. */
export function previewOf(event: ConversationEvent): string | null {
  switch (event.type) {
    case 'MessageSent':
    case 'MessageEdited':
      if (event.body !== null) return [...event.body].slice(0, PREVIEW_LENGTH).join('');
      if (event.ciphertext !== null) return '🔒 Encrypted message';
      return event.type === 'MessageSent' && event.media ? `📎 ${event.media.contentType}` : null;
    case 'ConversationCreated':
      return event.kind === 'GROUP' ? `${event.creatorId} created "${event.title ?? ''}"` : null;
    case 'MemberAdded':
      return `${event.addedBy} added ${event.userId}`;
    case 'MemberRemoved':
      return event.reason === 'LEFT'
        ? `${event.userId} left`
        : `${event.removedBy} removed ${event.userId}`;
    case 'MemberRoleChanged':
      return `${event.changedBy} made ${event.userId} ${event.role === 'ADMIN' ? 'an admin' : 'a member'}`;
    default:
      return null;
  }
}
