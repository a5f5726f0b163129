import { createHash } from 'node:crypto';
import type { ConversationCommand } from '@chat/domain';
import type { OnceClaim } from '../pipeline/send-once';

export type SendMessage = Extract<ConversationCommand, { type: 'SendMessage' }>;

/**
 * A send's "once" claim: its sender and client message id, and a digest of what it says, so
 * the same id for another message is refused rather than answered as a retry.
 */
export function sendClaimOf(senderId: string, command: SendMessage): OnceClaim {
  const { conversationId, kind, body, replyTo, ciphertext, media } = command;
  const content = JSON.stringify([
    conversationId,
    kind,
    body,
    replyTo,
    ciphertext && [ciphertext.algorithm, Buffer.from(ciphertext.data).toString('base64')],
    media,
  ]);
  return {
    key: `chat:send:${senderId}:${command.clientMessageId}`,
    fingerprint: createHash('sha256').update(content).digest('base64url'),
  };
}
