import type { Pool } from 'pg';
import { TOPICS } from '@chat/events';
import { inTransaction } from '@chat/storage';
import {
  inboxSchemaOf,
  PROJECTIONS,
  PUSH_LEDGER_TABLE,
  postgresPositionsOf,
  pushSchemaOf,
  readerVersion,
  versionKey,
  type Queryable,
} from '@chat/views';
import type { PushJob, PushResult } from './push-sender';
import {
  ledgerKey,
  type DeviceDecision,
  type DueMessage,
  type RecipientDevice,
} from './push-dispatch-decisions';

/**
 * What the dispatcher reads and writes in Postgres: one push version's pending rows and
 * subscriptions, the inbox readers' view of members, seqs and deliveries, and the shared
 * ledger of decisions. On a transaction's client for a round, on the pool otherwise.
 */
export class PushDispatchStore {
  private readonly schema: string;

  constructor(
    private readonly db: Queryable,
    private readonly version: number,
  ) {
    this.schema = pushSchemaOf(version);
  }

  /** Runs `work` in one transaction, with a store on its client. */
  static transaction<T>(
    pool: Pool,
    version: number,
    work: (store: PushDispatchStore) => Promise<T>,
  ): Promise<T> {
    return inTransaction(pool, (client) => work(new PushDispatchStore(client, version)));
  }

  /** Deletes pending rows sent before `before` (ms); returns how many. */
  async deleteStale(before: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM ${this.schema}.pending WHERE sent_at < to_timestamp($1 / 1000.0)`,
      [before],
    );
    return rowCount ?? 0;
  }

  /** Takes up to `limit` rows sent by `dueBy` (ms), oldest first, skipping rows others took. */
  async takeDue(dueBy: number, limit: number): Promise<DueMessage[]> {
    const { rows } = await this.db.query<DueMessage>(
      `SELECT conversation_id, message_id, sender_id, partition, "offset", preview, preview_offset,
              (extract(epoch FROM sent_at) * 1000)::bigint AS sent_at_ms
       FROM ${this.schema}.pending
       WHERE sent_at <= to_timestamp($1 / 1000.0)
       ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [dueBy, limit],
    );
    return rows;
  }

  /**
   * The readers' inbox version, with its positions and this push version's on the
   * conversations topic; undefined before the inbox has a readers' version.
   */
  async inboxProgress(): Promise<
    { inboxVersion: number; inbox: Map<number, bigint>; push: Map<number, bigint> } | undefined
  > {
    const inboxVersion = await readerVersion(this.db, PROJECTIONS.inbox);
    if (inboxVersion === undefined) return undefined;
    const positionsOf = (key: string) => postgresPositionsOf(this.db, key, TOPICS.conversations);
    return {
      inboxVersion,
      inbox: await positionsOf(versionKey(PROJECTIONS.inbox, inboxVersion)),
      push: await positionsOf(versionKey(PROJECTIONS.push, this.version)),
    };
  }

  /** Of the edits the previews are from, those the inbox ignored, as `partition/offset`. */
  async ignoredEdits(inboxVersion: number, edited: DueMessage[]): Promise<Set<string>> {
    if (edited.length === 0) return new Set();
    const { rows } = await this.db.query<{ partition: number; offset: string }>(
      `SELECT i.partition, i."offset"::text AS offset
       FROM ${inboxSchemaOf(inboxVersion)}.ignored_events i
       JOIN unnest($2::int[], $3::bigint[]) AS e(p, o) ON i.partition = e.p AND i."offset" = e.o
       WHERE i.topic = $1`,
      [
        TOPICS.conversations,
        edited.map((row) => row.partition),
        edited.map((row) => row.preview_offset),
      ],
    );
    return new Set(rows.map((r) => `${r.partition}/${r.offset}`));
  }

  /**
   * Every subscribed device not decided yet of every member who could see the message (joined
   * at or before its seq), but the sender's; nothing for a message the ledger ignored (not in
   * the inbox) or that was deleted for everyone before it was due.
   */
  async recipientDevices(messages: DueMessage[]): Promise<RecipientDevice[]> {
    if (messages.length === 0) return [];
    // The version readers use, read in this transaction like the ledger's judgement.
    const inbox = inboxSchemaOf((await readerVersion(this.db, PROJECTIONS.inbox)) ?? 1);
    const schema = this.schema;
    const { rows } = await this.db.query<RecipientDevice>(
      `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[]) AS w(conversation_id, message_id)
       ), recipients AS (
         SELECT m.conversation_id, m.message_id, m.seq::int AS seq, mem.user_id
         FROM wanted w
         JOIN ${inbox}.messages m
           ON m.conversation_id = w.conversation_id AND m.message_id = w.message_id
         JOIN ${inbox}.memberships mem
           ON mem.conversation_id = m.conversation_id AND mem.user_id <> m.sender_id
          AND mem.joined_seq <= m.seq
         WHERE NOT m.deleted
       ), badges AS (
         SELECT mem.user_id, sum(greatest(c.last_seq - mem.read_seq, 0))::int AS badge
         FROM ${inbox}.memberships mem
         JOIN ${inbox}.conversations c ON c.conversation_id = mem.conversation_id
         WHERE mem.user_id IN (SELECT r.user_id FROM recipients r
                               JOIN ${schema}.subscriptions s ON s.user_id = r.user_id)
         GROUP BY mem.user_id
       )
       SELECT r.conversation_id, r.message_id, r.seq, r.user_id, s.device_id, s.endpoint,
              s.p256dh, s.auth, (mu.user_id IS NOT NULL) AS muted,
              coalesce(dd.delivered_seq, 0)::int AS delivered_seq, coalesce(b.badge, 0) AS badge
       FROM recipients r
       JOIN ${schema}.subscriptions s ON s.user_id = r.user_id
       LEFT JOIN ${PUSH_LEDGER_TABLE} l
         ON l.conversation_id = r.conversation_id AND l.message_id = r.message_id
        AND l.device_user_id = r.user_id AND l.device_id = s.device_id
       LEFT JOIN ${schema}.mutes mu
         ON mu.user_id = r.user_id AND mu.conversation_id = r.conversation_id
       LEFT JOIN ${inbox}.device_deliveries dd
         ON dd.conversation_id = r.conversation_id AND dd.user_id = r.user_id
        AND dd.device_id = s.device_id
       LEFT JOIN badges b ON b.user_id = r.user_id
       WHERE l.device_id IS NULL`,
      [messages.map((m) => m.conversation_id), messages.map((m) => m.message_id)],
    );
    return rows;
  }

  /** The presence version readers use, or undefined before the first activation. */
  presenceVersion(): Promise<number | undefined> {
    return readerVersion(this.db, PROJECTIONS.presence);
  }

  /** Claims each decision in the ledger; returns the ledgerKeys of those claimed first here. */
  async claim(decisions: DeviceDecision[]): Promise<Set<string>> {
    if (decisions.length === 0) return new Set();
    const column = (pick: (d: RecipientDevice) => string) => decisions.map((v) => pick(v.device));
    const { rows } = await this.db.query<{ c: string; m: string; u: string; d: string }>(
      `INSERT INTO ${PUSH_LEDGER_TABLE}
         (conversation_id, message_id, device_user_id, device_id, outcome)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT DO NOTHING
       RETURNING conversation_id AS c, message_id AS m, device_user_id AS u, device_id AS d`,
      [
        column((d) => d.conversation_id),
        column((d) => d.message_id),
        column((d) => d.user_id),
        column((d) => d.device_id),
        decisions.map((v) => (v.verdict === 'push' ? 'claimed' : v.verdict)),
      ],
    );
    return new Set(
      rows.map((r) =>
        ledgerKey({ conversation_id: r.c, message_id: r.m, user_id: r.u, device_id: r.d }),
      ),
    );
  }

  /** Takes the messages off the queue. */
  async deletePending(messages: DueMessage[]): Promise<void> {
    await this.db.query(
      `DELETE FROM ${this.schema}.pending p USING unnest($1::text[], $2::text[]) AS d(c, m)
       WHERE p.conversation_id = d.c AND p.message_id = d.m`,
      [messages.map((row) => row.conversation_id), messages.map((row) => row.message_id)],
    );
  }

  /** How a claimed push ended. */
  async recordOutcome(job: PushJob, result: PushResult): Promise<void> {
    const { conversationId, messageId, userId, deviceId } = job.key;
    await this.db.query(
      `UPDATE ${PUSH_LEDGER_TABLE}
       SET outcome = $5, attempts = $6, detail = $7, finished_at = now()
       WHERE conversation_id = $1 AND message_id = $2 AND device_user_id = $3 AND device_id = $4`,
      [conversationId, messageId, userId, deviceId, result.outcome, result.attempts, result.detail],
    );
  }

  /** Forgets decisions made more than `olderThanMs` ago. */
  async forgetDecisions(olderThanMs: number): Promise<void> {
    await this.db.query(
      `DELETE FROM ${PUSH_LEDGER_TABLE} WHERE decided_at < now() - $1 * interval '1 millisecond'`,
      [olderThanMs],
    );
  }
}
