import { preparedQuery } from '@chat/storage';
import type { ConversationState, References } from '@chat/domain';
import {
  messageFactsKeys,
  messageFactsLookup,
  toFacts,
  type LedgerInputs,
  type MessageRow,
  type Queryable,
} from '../inbox/inbox-store';
import { parseState } from '../timeline/timeline-store';
import type { SearchHit } from './search-queries';
import { HEADLINE, highlighted } from './search-snippets';
import { SEARCH_CONFIG } from './search-tables';

/** The user's query, parameter $2, as a tsquery in the index's configuration. */
const TSQUERY = `websearch_to_tsquery('${SEARCH_CONFIG}', $2)`;

/** What a search asks of the index, checked and parsed (see SearchQueries). */
export interface HitQuery {
  userId: string;
  text: string;
  conversationId: string | null;
  senderId: string | null;
  from: Date | null;
  to: Date | null;
  /** The keyset position the page starts after. */
  after: { rank: string; conversationId: string; seq: number } | null;
  limit: number;
}

/** A hit, and its rank as Postgres wrote it: the exact keyset position of the next page. */
export interface StoredHit {
  hit: SearchHit;
  rankText: string;
}

/**
 * One search version's tables. What the search projector folds from: the ledger state of
 * each conversation, and message facts (the search messages table keeps the same fact columns
 * as the inbox's, so the inbox's lookup reads it). What readers ask: whether a user is a
 * member now, and the hits of a query over the messages they may read.
 */
export class SearchStore {
  constructor(
    private readonly db: Queryable,
    readonly schema: string,
  ) {}

  /** A batch's ledger inputs (states and message facts) in one round trip. */
  async ledgerInputs(refs: References): Promise<LedgerInputs<ConversationState>> {
    const { rows } = await preparedQuery<{
      conversations: Array<[string, string]> | null;
      messages: MessageRow[] | null;
    }>(
      this.db,
      `SELECT
         (SELECT json_agg(json_build_array(conversation_id, state))
            FROM ${this.schema}.conversations WHERE conversation_id = ANY($1)) AS conversations,
         (SELECT json_agg(f) FROM (${messageFactsLookup(this.schema, 2)}) f) AS messages`,
      [[...refs.conversationIds], ...messageFactsKeys(refs.messages, refs.sends)],
    );
    const row = rows[0]!;
    return {
      conversations: (row.conversations ?? []).map(([id, state]) => parseState(id, state)),
      messages: (row.messages ?? []).map(toFacts),
    };
  }

  /** Whether the user is a member of the conversation now (an open span). */
  async isMember(userId: string, conversationId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM ${this.schema}.member_spans
       WHERE conversation_id = $1 AND user_id = $2 AND removed_seq IS NULL`,
      [conversationId, userId],
    );
    return rows.length > 0;
  }

  /**
   * Matches among the messages of the user's open spans from the seq they joined at, not
   * deleted, ranked by ts_rank, then conversation and seq, all descending, with snippets.
   */
  async hits(query: HitQuery): Promise<StoredHit[]> {
    const { rows } = await this.db.query<{
      conversation_id: string;
      message_id: string;
      seq: string;
      sender_id: string;
      sent_at: Date;
      rank: string;
      snippet: string;
    }>(
      // The tsquery is written out where it filters, not read from the CTE: the planner then
      // sees the words and their frequency, and for a frequent word walks the user's
      // conversations instead of every match in the GIN index.
      `WITH q AS (SELECT ${TSQUERY} AS q),
       hits AS (
         SELECT m.conversation_id, m.message_id, m.seq, m.sender_id, m.sent_at, m.body,
                ts_rank(m.document, ${TSQUERY}) AS rank
           FROM ${this.schema}.member_spans s
           JOIN ${this.schema}.messages m
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
        query.userId,
        query.text,
        query.conversationId,
        query.senderId,
        query.from,
        query.to,
        query.after?.rank ?? null,
        query.after?.conversationId ?? null,
        query.after?.seq ?? null,
        query.limit,
        HEADLINE,
      ],
    );
    return rows.map((row) => ({
      hit: {
        conversationId: row.conversation_id,
        messageId: row.message_id,
        seq: Number(row.seq),
        senderId: row.sender_id,
        sentAt: row.sent_at.toISOString(),
        rank: Number(row.rank),
        snippet: highlighted(row.snippet),
      },
      rankText: row.rank,
    }));
  }
}
