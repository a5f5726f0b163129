import { preparedQuery } from '@chat/storage';
import type { ConversationState, MessageFacts } from '@chat/domain';
import { InboxStore, type Queryable } from '../inbox/inbox-store';
import { parseState } from '../timeline/timeline-store';

/**
 * What the search projector folds from, read from its own version's tables: the ledger state
 * of each conversation, and message facts (the search messages table keeps the same fact
 * columns as the inbox's, so the inbox's lookup reads it).
 */
export class SearchStore {
  private readonly facts: InboxStore;

  constructor(
    private readonly db: Queryable,
    readonly schema: string,
  ) {
    this.facts = new InboxStore(db, schema);
  }

  async conversations(ids: Iterable<string>): Promise<ConversationState[]> {
    const { rows } = await preparedQuery<{ conversation_id: string; state: string }>(
      this.db,
      `SELECT conversation_id, state FROM ${this.schema}.conversations
       WHERE conversation_id = ANY($1)`,
      [[...ids]],
    );
    return rows.map((row) => parseState(row.conversation_id, row.state));
  }

  messages(
    ids: ReadonlyArray<readonly [string, string]>,
    sends: ReadonlyArray<readonly [string, string, string]>,
  ): Promise<MessageFacts[]> {
    return this.facts.messages(ids, sends);
  }
}
