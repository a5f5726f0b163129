import {
  listParked,
  requestResume,
  versionKey,
  viewVersions,
  type ParkedConversation,
  type ProjectionName,
} from '@chat/views';
import type { Stores } from './view-stores';

export interface UnparkResult {
  /** The parked conversations asked to resume. */
  requested: ParkedConversation[];
  /** Of those, the ones the projectors resumed while we waited. */
  resumed: string[];
  /** Of those, the ones refused again, with the new reason. */
  refused: ParkedConversation[];
}

/**
 * Asks the projectors running a version (the readers' by default) to resume parked
 * conversations, all of them or the given ones, and waits up to `waitMs` to report what became
 * of each: a projector applies their held events in order and unparks them, or, refused again,
 * leaves them parked with the new reason. Nothing is applied here: only the partition's owner
 * may apply, inside its serialized handler.
 */
export async function unparkConversations(
  stores: Pick<Stores, 'pool'>,
  projection: ProjectionName,
  options: { version?: number; conversationIds?: string[]; waitMs?: number } = {},
): Promise<UnparkResult> {
  const version = options.version ?? (await viewVersions(projection, stores).active());
  if (version === undefined) throw new Error(`${projection} has no version readers use`);
  const key = versionKey(projection, version);
  const ids = options.conversationIds?.length ? options.conversationIds : undefined;
  const requested = await requestResume(stores.pool, key, ids);
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const now = new Map((await listParked(stores.pool, key)).map((p) => [p.conversationId, p]));
    const resumed = requested
      .filter((r) => !now.has(r.conversationId))
      .map((r) => r.conversationId);
    const refused = requested
      .map((r) => now.get(r.conversationId))
      .filter(
        (p): p is ParkedConversation =>
          p !== undefined && p.attemptedAt !== null && p.attemptedAt >= p.resumeRequestedAt!,
      );
    if (resumed.length + refused.length === requested.length || Date.now() >= deadline) {
      return { requested, resumed, refused };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The parked conversations as a table: where each is held since, and why. */
export function formatParked(parked: ParkedConversation[]): string {
  if (parked.length === 0) return 'parked: none';
  const header = [
    'projection',
    'conversation',
    'partition',
    'held since offset',
    'parked',
    'reason',
  ];
  const rows = parked.map((p) => [
    p.projection,
    p.conversationId,
    String(p.partition),
    p.firstHeldOffset.toString(),
    p.parkedAt.toISOString(),
    p.reason,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [
    `parked: ${parked.length}`,
    ...[header, ...rows].map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    ),
  ].join('\n');
}
