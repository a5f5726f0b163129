import type { Pool } from 'pg';
import { ViewError } from '../queries/view-error';
import { decodeSearchCursor, encodeSearchCursor } from '../queries/cursors';
import { SEARCH_CONFIG, searchSchemaOf } from './search-tables';

/** The user's query, parameter $2, as a tsquery in the index's configuration. */
const TSQUERY = `websearch_to_tsquery('${SEARCH_CONFIG}', $2)`;

export const MAX_SEARCH_PAGE = 50;
export const MAX_QUERY_LENGTH = 256;

export interface SearchOptions {
  /** Only this conversation (the user must be a member). */
  conversationId?: string;
  /** Only messages of this sender. */
  senderId?: string;
  /** Sent at or after (ISO 8601). */
  from?: string;
  /** Sent before (ISO 8601). */
  to?: string;
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

/** A found message: a snippet of its text with the matched words as [start, end) ranges. */
export interface SearchHit {
  conversationId: string;
  messageId: string;
  seq: number;
  senderId: string;
  sentAt: string;
  rank: number;
  snippet: { text: string; highlights: Array<[number, number]> };
}

export interface SearchPage {
  items: SearchHit[];
  next: string | null;
}

// Private-use characters mark matches inside ts_headline's output; they are taken out again,
// so a body's own characters (markup included) are never mistaken for a highlight.
const START = '\uE000';
const STOP = '\uE001';
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * Full-text search over the messages a user may read: conversations they are a member of now,
 * from the seq they joined at (as history). Ranked by ts_rank, newest first among equals, paged
 * by a keyset cursor over (rank, conversation, seq), so a page never repeats or skips a hit
 * while the ranking of what is already indexed stays the same.
 */
export class SearchQueries {
  constructor(
    private readonly pool: Pool,
    private readonly versionOf: () => Promise<number>,
  ) {}

  async search(userId: string, query: string, options: SearchOptions = {}): Promise<SearchPage> {
    // Postgres text cannot hold U+0000: mapped as the index mapped bodies (storableText).
    const text = query.trim().replaceAll('\u0000', '\uFFFD');
    if (text.length === 0 || text.length > MAX_QUERY_LENGTH) {
      throw new ViewError('bad-query', `a query holds 1 to ${MAX_QUERY_LENGTH} characters`);
    }
    const limit = options.limit ?? 20;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SEARCH_PAGE) {
      throw new ViewError('bad-page', `a page holds 1 to ${MAX_SEARCH_PAGE} items`);
    }
    const from = instant(options.from, 'from');
    const to = instant(options.to, 'to');
    const after = options.after === undefined ? null : decodeSearchCursor(options.after);
    const schema = searchSchemaOf(await this.versionOf());
    if (options.conversationId !== undefined) {
      const { rows } = await this.pool.query(
        `SELECT 1 FROM ${schema}.member_spans
         WHERE conversation_id = $1 AND user_id = $2 AND removed_seq IS NULL`,
        [options.conversationId, userId],
      );
      if (rows.length === 0) {
        throw new ViewError('not-a-member', `you are not a member of ${options.conversationId}`);
      }
    }
    const { rows } = await this.pool.query<{
      conversation_id: string;
      message_id: string;
      seq: string;
      sender_id: string;
      sent_at: Date;
      rank: string;
      snippet: string;
    }>(
      // The tsquery is written out where it filters, not read from the CTE: the planner then
      // sees the words and their frequency, and for a common word walks the user's
      // conversations instead of every match in the GIN index (docs/benchmarks.md, Search).
      `WITH q AS (SELECT ${TSQUERY} AS q),
       hits AS (
         SELECT m.conversation_id, m.message_id, m.seq, m.sender_id, m.sent_at, m.body,
                ts_rank(m.document, ${TSQUERY}) AS rank
           FROM ${schema}.member_spans s
           JOIN ${schema}.messages m
             ON m.conversation_id = s.conversation_id AND m.seq >= s.joined_seq
          WHERE s.user_id = $1 AND s.removed_seq IS NULL
            AND ($3::text IS NULL OR s.conversation_id = $3)
            AND m.document @@ ${TSQUERY} AND NOT m.deleted
            AND ($4::text IS NULL OR m.sender_id = $4)
            AND ($5::timestamptz IS NULL OR m.sent_at >= $5)
            AND ($6::timestamptz IS NULL OR m.sent_at < $6)
       ),
       page AS (
         SELECT * FROM hits
          WHERE $7::real IS NULL OR (rank, conversation_id, seq) < ($7::real, $8::text, $9::bigint)
          ORDER BY rank DESC, conversation_id DESC, seq DESC
          LIMIT $10
       )
       SELECT page.conversation_id, page.message_id, page.seq, page.sender_id, page.sent_at,
              page.rank::text AS rank, ts_headline('${SEARCH_CONFIG}', page.body, q.q, $11) AS snippet
         FROM page CROSS JOIN q
        ORDER BY page.rank DESC, page.conversation_id DESC, page.seq DESC`,
      [
        userId,
        text,
        options.conversationId ?? null,
        options.senderId ?? null,
        from,
        to,
        after?.rank ?? null,
        after?.conversationId ?? null,
        after?.seq ?? null,
        limit + 1,
        HEADLINE,
      ],
    );
    const items = rows.slice(0, limit).map((row) => ({
      conversationId: row.conversation_id,
      messageId: row.message_id,
      seq: Number(row.seq),
      senderId: row.sender_id,
      sentAt: row.sent_at.toISOString(),
      rank: Number(row.rank),
      snippet: highlighted(row.snippet),
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      next: last ? encodeSearchCursor(last.rank, last.conversation_id, Number(last.seq)) : null,
    };
  }
}

/**
 * ts_headline's output with its markers taken out, as text and [start, end) ranges. Markup in
 * a body is left out by the parser, so a snippet never carries tags; whitespace runs collapse.
 */
export function highlighted(marked: string): SearchHit['snippet'] {
  const highlights: Array<[number, number]> = [];
  let text = '';
  let start = -1;
  for (const char of marked) {
    if (char === START) start = text.length;
    else if (char === STOP) {
      if (start >= 0) highlights.push([start, text.length]);
      start = -1;
    } else if (!(/\s/.test(char) && /\s$/.test(text))) text += char;
  }
  return { text: text.trim(), highlights };
}

function instant(value: string | undefined, name: string): Date | null {
  if (value === undefined) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new ViewError('bad-query', `${name} is not a date`);
  return at;
}
