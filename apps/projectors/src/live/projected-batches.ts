import type { LiveChange, ProjectedBatch } from '@chat/views';

const sameUsers = (a: string[], b: string[]) =>
  a.length === b.length && a.every((user, i) => user === b[i]);

/**
 * Appends a change for `recipients` to its conversation's batch, in order: onto the last
 * segment when it has the same recipients, else as a new segment. Nobody, nothing.
 */
export function addToBatch(
  batches: Map<string, ProjectedBatch>,
  conversationId: string,
  recipients: string[],
  change: LiveChange,
): void {
  if (recipients.length === 0) return;
  const sorted = [...recipients].sort();
  const batch = batches.get(conversationId) ?? { conversationId, segments: [] };
  batches.set(conversationId, batch);
  const last = batch.segments.at(-1);
  if (last && sameUsers(last.recipients, sorted)) last.changes.push(change);
  else batch.segments.push({ recipients: sorted, changes: [change] });
}
