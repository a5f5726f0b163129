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

/**
 * What the search projector folds from, read from its own version's tables: the ledger state
 * of each conversation, and message facts (the search messages table keeps the same fact
 * columns as the inbox's, so the inbox's lookup reads it).
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
}
