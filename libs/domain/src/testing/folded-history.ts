import type { ConversationEvent } from '@chat/events';
import type { DecisionState } from '../conversation/commands';
import type { ConversationState, MessageFacts } from '../conversation/conversation-state';
import type { DecisionQuery } from '../conversation/decision-query';
import { ConversationLedger } from '../conversation/ledger';

/**
 * A specification's history folded through the ledger the projections use, answering decision
 * queries as the inbox store answers them: only the members asked for, the message named, and
 * the sender's earlier send under the client message id (in this conversation first, else
 * anywhere). So a decision that needs more than its query loads fails here as in production.
 */
export class FoldedHistory {
  private readonly ledger = new ConversationLedger({ conversations: [], messages: [] });
  /** The [conversationId, messageId] of every message sent, in log order. */
  private readonly sent: Array<[string, string]> = [];

  constructor(history: readonly ConversationEvent[]) {
    for (const event of history) {
      const outcome = this.ledger.apply(event);
      if (!outcome.verdict.accepted) {
        throw new Error(`given: ${event.type} was ignored: ${outcome.verdict.reason}`);
      }
      if (event.type === 'MessageSent') this.sent.push([event.conversationId, event.messageId]);
    }
  }

  decisionState(query: DecisionQuery): DecisionState {
    const conversation = this.ledger.conversation(query.conversationId);
    return {
      conversation: conversation && withOnly(conversation, query.memberIds),
      message: query.messageId ? this.ledger.message(query.conversationId, query.messageId) : null,
      duplicate: query.sentBy ? this.sentBy(query.conversationId, query.sentBy) : null,
    };
  }

  private sentBy(
    conversationId: string,
    { senderId, clientMessageId }: NonNullable<DecisionQuery['sentBy']>,
  ): MessageFacts | null {
    const earlier = this.sent
      .map((key) => this.ledger.message(...key)!)
      .filter((m) => m.senderId === senderId && m.clientMessageId === clientMessageId);
    return earlier.find((m) => m.conversationId === conversationId) ?? earlier[0] ?? null;
  }
}

function withOnly(state: ConversationState, memberIds: string[] | null): ConversationState {
  if (memberIds === null) return state;
  const members = new Map([...state.members].filter(([userId]) => memberIds.includes(userId)));
  return { ...state, members };
}
