import fc from 'fast-check';
import {
  groupCreated,
  memberAdded,
  memberRemoved,
  messageDeleted,
  messageEdited,
  messageSent,
  messagesDelivered,
  messagesRead,
  reaction,
} from '@chat/domain/testing';

/**
 * Random histories of one group among four users, for property tests of the projection
 * mappers: joins, removals and re-adds interleaved with messages, edits, deletes, reactions and
 * receipts and device deliveries, many of them ones the rules forbid at their position.
 */
export function groupHistory(maxLength = 50, minLength = 0) {
  const user = fc.constantFrom('alice', 'bob', 'carol', 'dave');
  const messageId = fc.constantFrom('m1', 'm2', 'm3');
  return fc.array(
    fc.oneof(
      fc.tuple(user, user).map(([a, b]) => groupCreated(a, a === b ? [] : [b])),
      fc.tuple(user, user).map(([u, by]) => memberAdded(u, by)),
      fc.tuple(user, user).map(([u, by]) => memberRemoved(u, by)),
      fc.tuple(user, messageId).map(([u, m]) => messageSent(u, m)),
      fc.tuple(messageId, user).map(([m, u]) => messageEdited(m, u, 'again')),
      fc.tuple(messageId, user).map(([m, u]) => messageDeleted(m, u)),
      fc
        .tuple(fc.boolean(), messageId, user, fc.constantFrom('👍', '🎉'))
        .map(([a, m, u, e]) => reaction(a, m, u, e)),
      fc.tuple(user, fc.nat(9)).map(([u, seq]) => messagesRead(u, seq)),
      fc
        .tuple(user, fc.constantFrom('phone', 'laptop'), fc.nat(9))
        .map(([u, device, seq]) => messagesDelivered(u, device, seq)),
    ),
    { minLength, maxLength },
  );
}
