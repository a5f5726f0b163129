import type { Queryable } from './inbox/inbox-store';

/** A conversation a projection version holds back (table `projection_parked`). */
export interface ParkedConversation {
  /** Version key, e.g. `inbox_v1`. */
  projection: string;
  /** The log key: conversation id (user id on the presence topic). */
  conversationId: string;
  topic: string;
  partition: number;
  /** The refused event's offset: it and the conversation's later events are held. */
  firstHeldOffset: bigint;
  reason: string;
  parkedAt: Date;
  resumeRequestedAt: Date | null;
  attemptedAt: Date | null;
}

interface Row {
  projection: string;
  conversation_id: string;
  topic: string;
  partition: number;
  first_held_offset: string;
  reason: string;
  parked_at: Date;
  resume_requested_at: Date | null;
  attempted_at: Date | null;
}

const parkedOf = (row: Row): ParkedConversation => ({
  projection: row.projection,
  conversationId: row.conversation_id,
  topic: row.topic,
  partition: row.partition,
  firstHeldOffset: BigInt(row.first_held_offset),
  reason: row.reason,
  parkedAt: row.parked_at,
  resumeRequestedAt: row.resume_requested_at,
  attemptedAt: row.attempted_at,
});

// A reason quotes the store's error, which may quote the value it refused.
const storableReason = (reason: string) => reason.replaceAll('\u0000', '\uFFFD').slice(0, 2000);

/**
 * Whether a resume is due: requested (by `chat-admin unpark` or a projector start) since the
 * last attempt. A failed attempt is not retried until someone asks again, because the same code
 * against the same events fails the same way.
 */
export const resumeDue = (parked: ParkedConversation): boolean =>
  parked.resumeRequestedAt !== null &&
  (parked.attemptedAt === null || parked.attemptedAt < parked.resumeRequestedAt);

/** Parked conversations, of one version or of all, oldest first. */
export async function listParked(
  db: Queryable,
  projection?: string,
): Promise<ParkedConversation[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM projection_parked WHERE $1::text IS NULL OR projection = $1
     ORDER BY projection, parked_at, conversation_id`,
    [projection ?? null],
  );
  return rows.map(parkedOf);
}

export async function parkedConversation(
  db: Queryable,
  projection: string,
  conversationId: string,
): Promise<ParkedConversation | undefined> {
  const { rows } = await db.query<Row>(
    'SELECT * FROM projection_parked WHERE projection = $1 AND conversation_id = $2',
    [projection, conversationId],
  );
  return rows[0] && parkedOf(rows[0]);
}

/**
 * Parks a conversation at a refused event. A conversation already parked keeps its first held
 * offset: after a crash the log is replayed, and the events from that offset on are all held.
 */
export async function park(
  db: Queryable,
  parked: Pick<ParkedConversation, 'projection' | 'conversationId' | 'topic' | 'partition'> & {
    firstHeldOffset: bigint;
    reason: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO projection_parked
       (projection, conversation_id, topic, partition, first_held_offset, reason)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [
      parked.projection,
      parked.conversationId,
      parked.topic,
      parked.partition,
      parked.firstHeldOffset.toString(),
      storableReason(parked.reason),
    ],
  );
}

/** Asks the projectors to resume parked conversations: the given ones, or all of the version. */
export async function requestResume(
  db: Queryable,
  projection: string,
  conversationIds?: string[],
): Promise<ParkedConversation[]> {
  const { rows } = await db.query<Row>(
    `UPDATE projection_parked SET resume_requested_at = clock_timestamp()
     WHERE projection = $1 AND ($2::text[] IS NULL OR conversation_id = ANY($2))
     RETURNING *`,
    [projection, conversationIds ?? null],
  );
  return rows.map(parkedOf);
}

/** A resume was tried and refused again: the conversation stays parked, with the new reason. */
export async function resumeRefused(
  db: Queryable,
  projection: string,
  conversationId: string,
  reason: string,
): Promise<void> {
  await db.query(
    `UPDATE projection_parked SET reason = $3, attempted_at = clock_timestamp()
     WHERE projection = $1 AND conversation_id = $2`,
    [projection, conversationId, storableReason(reason)],
  );
}

/** The conversation's held events are applied: it flows again. */
export async function unpark(db: Queryable, projection: string, conversationId: string) {
  await db.query('DELETE FROM projection_parked WHERE projection = $1 AND conversation_id = $2', [
    projection,
    conversationId,
  ]);
}

/** Forgets every park of a version (when the version is dropped). */
export async function forgetParked(db: Queryable, projection: string): Promise<void> {
  await db.query('DELETE FROM projection_parked WHERE projection = $1', [projection]);
}
