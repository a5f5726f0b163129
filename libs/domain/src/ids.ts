import { createHash } from 'node:crypto';

/**
 * Ids that travel in URLs, keys and events: letters, digits and `._:@-`, at most 128
 * characters. Anything else is refused at the edge, before it reaches the log.
 */
export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/**
 * The id of the direct conversation between two users, the same whoever asks first, so that
 * creating it twice (even concurrently, on two instances) names one conversation.
 */
export function directConversationId(userA: string, userB: string): string {
  const [first, second] = [userA, userB].sort();
  const digest = createHash('sha256').update(`${first}\u0000${second}`).digest('hex');
  return `direct-${digest.slice(0, 32)}`;
}

/**
 * The id of the message a sender sends under a client message id. Derived, not random, so
 * every retry of one send (after a timeout, a crash, on another instance) names one message,
 * and the projections drop any second copy that reaches the log.
 */
export function messageIdFor(senderId: string, clientMessageId: string): string {
  const digest = createHash('sha256').update(`${senderId}\u0000${clientMessageId}`).digest('hex');
  return `msg-${digest.slice(0, 32)}`;
}
