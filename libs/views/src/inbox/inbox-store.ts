import { preparedQuery } from '@chat/storage';
import type { Pool, PoolClient } from 'pg';
import type { ConversationKind, MemberRole } from '@chat/events';
import type {
  ConversationState,
  DecisionQuery,
  DecisionState,
  Member,
  MessageFacts,
  References,
} from '@chat/domain';
import { PROJECTIONS } from '../projection-names';
import { inboxSchemaOf } from './inbox-tables';
import { ActiveStore } from '../versions/active-store';
import { ReaderVersions } from '../versions/reader-versions';

export type Queryable = Pick<Pool | PoolClient, 'query'>;

/** A conversation row as the inbox keeps it: the domain state plus what the list shows. */
export interface InboxConversation {
  state: ConversationState;
  creatorId: string;
  createdAt: Date;
  lastMessageId: string | null;
  lastMessageSenderId: string | null;
  lastMessagePreview: string | null;
  lastActivityAt: Date;
}

interface ConversationRow {
  conversation_id: string;
  kind: ConversationKind;
  title: string | null;
  creator_id: string;
  /** A Date from the driver, an ISO string from JSON; the same for the others below. */
  created_at: Date | string;
  last_seq: string | number;
  last_cs: string | number;
  last_message_id: string | null;
  last_message_sender_id: string | null;
  last_message_preview: string | null;
  last_activity_at: Date | string;
}

export interface MessageRow {
  message_id: string;
  conversation_id: string;
  seq: string | number;
  sender_id: string;
  client_message_id: string;
  deleted: boolean;
}

const FACTS = `message_id, conversation_id, seq, sender_id, client_message_id, deleted`;

/**
 * Message facts by [conversationId, messageId] (parameters $first, $first+1) and by
 * [conversationId, senderId, clientMessageId] ($first+2 .. $first+4): two keyed lookups, not
 * one WHERE with OR, which Postgres cannot drive from the indexes (it scanned the whole table
 * for every batch).
 */
export function messageFactsLookup(schema: string, first: number): string {
  const $ = (i: number) => `$${first + i}`;
  return `SELECT ${FACTS} FROM ${schema}.messages
         JOIN unnest(${$(0)}::text[], ${$(1)}::text[]) AS k(conversation_id, message_id)
           USING (conversation_id, message_id)
       UNION
       SELECT ${FACTS} FROM ${schema}.messages
         JOIN unnest(${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[])
           AS k(conversation_id, sender_id, client_message_id)
           USING (conversation_id, sender_id, client_message_id)`;
}

/** The values of messageFactsLookup's parameters, in order. */
export function messageFactsKeys(
  ids: ReadonlyArray<readonly [string, string]>,
  sends: ReadonlyArray<readonly [string, string, string]>,
): string[][] {
  return [
    ids.map(([conversation]) => conversation),
    ids.map(([, message]) => message),
    sends.map(([conversation]) => conversation),
    sends.map(([, sender]) => sender),
    sends.map(([, , client]) => client),
  ];
}

/** A conversation row (from the driver, or as JSON) with its members, as the inbox holds it. */
function toInboxConversation(
  row: ConversationRow,
  members: Map<string, Member> = new Map(),
): InboxConversation {
  return {
    state: {
      conversationId: row.conversation_id,
      kind: row.kind,
      title: row.title,
      members,
      lastSeq: Number(row.last_seq),
      lastCs: Number(row.last_cs),
    },
    creatorId: row.creator_id,
    createdAt: new Date(row.created_at),
    lastMessageId: row.last_message_id,
    lastMessageSenderId: row.last_message_sender_id,
    lastMessagePreview: row.last_message_preview,
    lastActivityAt: new Date(row.last_activity_at),
  };
}

/** What one command is decided on (see decisionQueryOf in @chat/domain). */
export type { DecisionQuery };

/** What the ledger folds a batch over: the conversations it touches and message facts. */
export interface LedgerInputs<C> {
  conversations: C[];
  messages: MessageFacts[];
}

export const toFacts = (row: MessageRow): MessageFacts => ({
  messageId: row.message_id,
  conversationId: row.conversation_id,
  seq: Number(row.seq),
  senderId: row.sender_id,
  clientMessageId: row.client_message_id,
  deleted: row.deleted,
});

/**
 * Reads of the inbox tables of one schema: a version's own tables (the projector) or the
 * reader views (the command API, the gateway). Bulk by design: a batch loads what it touches
 * in one query per table.
 */
export class InboxStore {
  constructor(
    private readonly db: Queryable,
    readonly schema: string,
  ) {}

  /** Conversations with all their members (the batch's own read, without message facts). */
  async conversations(ids: Iterable<string>): Promise<InboxConversation[]> {
    const conversationIds = new Set(ids);
    if (conversationIds.size === 0) return [];
    return (await this.ledgerInputs({ conversationIds, messages: [], sends: [] })).conversations;
  }

  /**
   * A batch's ledger inputs in one round trip: the conversations (with all their members) and
   * the message facts the events reference (see References in @chat/domain).
   */
  async ledgerInputs(refs: References): Promise<LedgerInputs<InboxConversation>> {
    const { rows } = await preparedQuery<{
      conversations: ConversationRow[] | null;
      members: Array<[string, string, MemberRole, number]> | null;
      messages: MessageRow[] | null;
    }>(
      this.db,
      `SELECT
         (SELECT json_agg(c) FROM ${this.schema}.conversations c
            WHERE conversation_id = ANY($1)) AS conversations,
         (SELECT json_agg(json_build_array(conversation_id, user_id, role, joined_seq)
                   ORDER BY conversation_id, joined_seq, user_id)
            FROM ${this.schema}.memberships WHERE conversation_id = ANY($1)) AS members,
         (SELECT json_agg(f) FROM (${messageFactsLookup(this.schema, 2)}) f) AS messages`,
      [[...refs.conversationIds], ...messageFactsKeys(refs.messages, refs.sends)],
    );
    const row = rows[0]!;
    const membersOf = new Map<string, Map<string, Member>>();
    for (const [conversationId, userId, role, joinedSeq] of row.members ?? []) {
      const map = membersOf.get(conversationId) ?? new Map<string, Member>();
      map.set(userId, { role, joinedSeq: Number(joinedSeq) });
      membersOf.set(conversationId, map);
    }
    return {
      conversations: (row.conversations ?? []).map((c) =>
        toInboxConversation(c, membersOf.get(c.conversation_id)),
      ),
      messages: (row.messages ?? []).map(toFacts),
    };
  }

  async conversation(id: string): Promise<ConversationState | null> {
    const [found] = await this.conversations([id]);
    return found?.state ?? null;
  }

  /**
   * Messages by [conversationId, messageId], and by [conversationId, senderId, clientMessageId]
   * (see References in @chat/domain).
   */
  async messages(
    ids: ReadonlyArray<readonly [string, string]>,
    sends: ReadonlyArray<readonly [string, string, string]> = [],
  ): Promise<MessageFacts[]> {
    if (ids.length === 0 && sends.length === 0) return [];
    const { rows } = await preparedQuery<MessageRow>(
      this.db,
      messageFactsLookup(this.schema, 1),
      messageFactsKeys(ids, sends),
    );
    return rows.map(toFacts);
  }

  async message(conversationId: string, messageId: string): Promise<MessageFacts | null> {
    const [found] = await this.messages([[conversationId, messageId]]);
    return found ?? null;
  }

  /**
   * Everything one command is decided on, in one round trip: the conversation with the members
   * asked for (`null`: all of them), the message it targets, and the sender's earlier message
   * under the same client message id (in this conversation if there is one, else anywhere, so
   * a client message id reused in another conversation is refused).
   */
  async decisionState(query: DecisionQuery): Promise<DecisionState> {
    return (await this.decisionStates([query]))[0]!;
  }

  /**
   * Several commands' decisionState in one round trip (commands arriving together: see
   * batchWhileBusy in @chat/storage), each answered from the same snapshot, in query order.
   */
  async decisionStates(queries: DecisionQuery[]): Promise<DecisionState[]> {
    if (queries.length === 0) return [];
    const { rows } = await preparedQuery<{
      conversation: ConversationRow | null;
      members: Array<[string, MemberRole, number]> | null;
      message: MessageRow | null;
      duplicate: MessageRow | null;
    }>(
      this.db,
      `SELECT
         (SELECT row_to_json(c) FROM ${this.schema}.conversations c
            WHERE c.conversation_id = q.conversation_id) AS conversation,
         (SELECT json_agg(json_build_array(user_id, role, joined_seq) ORDER BY joined_seq, user_id)
            FROM ${this.schema}.memberships m
            WHERE m.conversation_id = q.conversation_id
              AND (q.member_ids IS NULL
                   OR m.user_id = ANY(ARRAY(SELECT json_array_elements_text(q.member_ids::json)))))
           AS members,
         (SELECT row_to_json(f) FROM (SELECT ${FACTS} FROM ${this.schema}.messages
            WHERE conversation_id = q.conversation_id AND message_id = q.message_id) f) AS message,
         (SELECT row_to_json(f) FROM (SELECT ${FACTS} FROM ${this.schema}.messages
            WHERE sender_id = q.sender_id AND client_message_id = q.client_message_id
            ORDER BY conversation_id = q.conversation_id DESC LIMIT 1) f) AS duplicate
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
         AS q(conversation_id, member_ids, message_id, sender_id, client_message_id, n)
       ORDER BY q.n`,
      [
        queries.map((q) => q.conversationId),
        // A list per query: as JSON text, since Postgres arrays cannot be ragged.
        queries.map((q) => (q.memberIds === null ? null : JSON.stringify(q.memberIds))),
        queries.map((q) => q.messageId),
        queries.map((q) => q.sentBy?.senderId ?? null),
        queries.map((q) => q.sentBy?.clientMessageId ?? null),
      ],
    );
    return rows.map((row) => ({
      conversation: row.conversation && {
        conversationId: row.conversation.conversation_id,
        kind: row.conversation.kind,
        title: row.conversation.title,
        members: new Map(
          (row.members ?? []).map(([userId, role, joinedSeq]) => [
            userId,
            { role, joinedSeq: Number(joinedSeq) },
          ]),
        ),
        lastSeq: Number(row.conversation.last_seq),
        lastCs: Number(row.conversation.last_cs),
      },
      message: row.message && toFacts(row.message),
      duplicate: row.duplicate && toFacts(row.duplicate),
    }));
  }
}

/** The InboxStore of the version readers use: what commands are decided on. */
export const activeInboxStore = (pool: Pool): ActiveStore<InboxStore> =>
  new ActiveStore(
    new ReaderVersions(pool),
    PROJECTIONS.inbox,
    (version) => new InboxStore(pool, inboxSchemaOf(version)),
  );
