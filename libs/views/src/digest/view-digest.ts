import { createHash } from 'node:crypto';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';
import { inboxSchemaOf } from '../inbox/inbox-tables';
import { searchSchemaOf } from '../search/search-tables';
import { bucketOf, changeBucketOf, timelineTablesOf } from '../timeline/timeline-tables';

/**
 * A deterministic fingerprint of a view: one digest per conversation over every row the view
 * keeps for it, in a canonical order and encoding, and one over all of them. Two versions built
 * from the same log, however they got there (a clean rebuild, or crashes and restarts), must
 * have equal digests. Wall-clock columns that say when a row was written are left out; times
 * that come from events are kept.
 */
export interface ViewDigest {
  digest: string;
  conversations: number;
  perConversation: Map<string, string>;
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Plain JSON for any driver value: Longs and numbers as strings, dates as ISO, sets sorted. */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(canonical).sort();
  if (typeof value === 'object') {
    if ('toString' in value && value.constructor?.name === 'Long') return value.toString();
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
}

function combine(perConversation: Map<string, string>): ViewDigest {
  const sorted = [...perConversation.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    digest: sha256(sorted),
    conversations: sorted.length,
    perConversation: new Map(sorted),
  };
}

/** One part of a Postgres view's digest: a table, the columns that count, their order. */
interface DigestedTable {
  part: string;
  table: string;
  columns?: string;
  order: string;
}

/**
 * A Postgres view's digest: each conversation (every one it has rows or ignored events for,
 * unless named) over the rows of the given tables, in their order.
 */
async function digestPostgres(
  pool: Pool,
  schema: string,
  tables: DigestedTable[],
  conversationIds?: string[],
): Promise<ViewDigest> {
  const ids =
    conversationIds ??
    (
      await pool.query<{ id: string }>(
        `SELECT conversation_id AS id FROM ${schema}.conversations
         UNION SELECT conversation_id FROM ${schema}.ignored_events`,
      )
    ).rows.map((row) => row.id);
  const grouped = new Map<string, Record<string, unknown[]>>(
    ids.map((id) => [id, Object.fromEntries(tables.map(({ part }) => [part, []]))]),
  );
  for (const { part, table, columns = '*', order } of tables) {
    const { rows } = await pool.query<Record<string, unknown>>(
      `SELECT ${columns} FROM ${schema}.${table} WHERE conversation_id = ANY($1)
       ORDER BY conversation_id, ${order}`,
      [ids],
    );
    for (const row of rows)
      grouped.get(row.conversation_id as string)?.[part]!.push(canonical(row));
  }
  return combine(new Map([...grouped].map(([id, parts]) => [id, sha256(parts)])));
}

/** The inbox of one version: conversations, members, device cursors, message facts, ignored. */
export function digestInbox(
  pool: Pool,
  version: number,
  options: { conversationIds?: string[] } = {},
): Promise<ViewDigest> {
  return digestPostgres(
    pool,
    inboxSchemaOf(version),
    [
      { part: 'conversation', table: 'conversations', order: 'conversation_id' },
      { part: 'members', table: 'memberships', order: 'user_id' },
      { part: 'devices', table: 'device_deliveries', order: 'user_id, device_id' },
      { part: 'messages', table: 'messages', order: 'seq, message_id' },
      { part: 'ignored', table: 'ignored_events', order: 'partition, "offset"' },
    ],
    options.conversationIds,
  );
}

/**
 * The search index of one version: ledger states, messages with their indexed text (the
 * document is derived from the body and left out), membership spans, ignored events.
 */
export function digestSearch(
  pool: Pool,
  version: number,
  options: { conversationIds?: string[] } = {},
): Promise<ViewDigest> {
  return digestPostgres(
    pool,
    searchSchemaOf(version),
    [
      { part: 'conversation', table: 'conversations', order: 'conversation_id' },
      {
        part: 'messages',
        table: 'messages',
        columns:
          'conversation_id, message_id, seq, sender_id, client_message_id, deleted, sent_at, body',
        order: 'seq, message_id',
      },
      { part: 'spans', table: 'member_spans', order: 'user_id, joined_seq' },
      { part: 'ignored', table: 'ignored_events', order: 'partition, "offset"' },
    ],
    options.conversationIds,
  );
}

/**
 * The timeline of one version: each conversation's state, every item and its revisions, its
 * change log and membership spans, and ignored events. (The per-user spans mirror the per-conversation ones.)
 */
export async function digestTimeline(
  cassandra: Client,
  keyspace: string,
  version: number,
  options: { conversationIds?: string[] } = {},
): Promise<ViewDigest> {
  const tables = timelineTablesOf(keyspace, version);
  let ids = options.conversationIds;
  if (!ids) {
    const found = new Set<string>();
    for (const table of [tables.conversations, tables.ignored]) {
      let pageState: string | undefined;
      do {
        const page = await cassandra.execute(`SELECT DISTINCT conversation_id FROM ${table}`, [], {
          fetchSize: 5000,
          pageState,
        });
        for (const row of page.rows) found.add(row.conversation_id as string);
        pageState = page.pageState ?? undefined;
      } while (pageState);
    }
    ids = [...found];
  }
  const perConversation = new Map<string, string>();
  for (const id of ids) {
    const stateRow = (
      await cassandra.execute(
        `SELECT state, applied_through FROM ${tables.conversations} WHERE conversation_id = ?`,
        [id],
        { prepare: true },
      )
    ).first();
    // applied_through is an offset: equal for equal logs, so it stays in.
    const state = stateRow ? canonical({ ...stateRow }) : null;
    const { lastSeq = 0, lastCs = 0 } = stateRow
      ? (JSON.parse(stateRow.state) as { lastSeq: number; lastCs: number })
      : {};
    const items: unknown[] = [];
    const revisions: unknown[] = [];
    for (let bucket = 0; bucket <= bucketOf(lastSeq); bucket++) {
      const result = await cassandra.execute(
        `SELECT * FROM ${tables.items} WHERE conversation_id = ? AND bucket = ? ORDER BY seq ASC`,
        [id, bucket],
        { prepare: true, fetchSize: 5000 },
      );
      for (const row of result.rows) items.push(canonical({ ...row }));
      const revised = await cassandra.execute(
        `SELECT * FROM ${tables.revisions} WHERE conversation_id = ? AND bucket = ?`,
        [id, bucket],
        { prepare: true, fetchSize: 5000 },
      );
      for (const row of revised.rows) revisions.push(canonical({ ...row }));
    }
    const changes: unknown[] = [];
    for (let bucket = 0; bucket <= changeBucketOf(lastCs); bucket++) {
      const result = await cassandra.execute(
        `SELECT * FROM ${tables.changes} WHERE conversation_id = ? AND bucket = ? ORDER BY cs ASC`,
        [id, bucket],
        { prepare: true, fetchSize: 5000 },
      );
      for (const row of result.rows) changes.push(canonical({ ...row }));
    }
    const rowsOf = async (table: string) =>
      (
        await cassandra.execute(`SELECT * FROM ${table} WHERE conversation_id = ?`, [id], {
          prepare: true,
          fetchSize: 5000,
        })
      ).rows.map((row) => canonical({ ...row }));
    const ignored = await rowsOf(tables.ignored);
    const spans = await rowsOf(tables.memberSpans);
    perConversation.set(id, sha256({ state, items, revisions, changes, spans, ignored }));
  }
  return combine(perConversation);
}
