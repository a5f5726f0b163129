import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import {
  decide,
  DomainError,
  type ConversationCommand,
  type ConversationState,
  type DecisionState,
  type EnvelopeSource,
  type RejectionCode,
} from '@chat/domain';
import { TOPICS, type ChatEvent, type ConversationEvent } from '@chat/events';
import { batchWhileBusy } from '@chat/storage';
import {
  InboxStore,
  INBOX_READER_SCHEMA,
  PROJECTIONS,
  waitForProjection,
  type DecisionQuery,
} from '@chat/views';
import type { EventLog } from './event-log';
import { refuse } from './problem';

/**
 * Refusals that may only mean the view has not caught up with the log yet (the user acts on a
 * conversation created a moment ago). They are trusted only after the view has caught up.
 */
const MAYBE_STALE: ReadonlySet<RejectionCode> = new Set([
  'conversation-not-found',
  'not-a-member',
  'not-an-admin',
  'not-the-author',
  'not-author-or-admin',
  'message-not-found',
  'member-not-found',
]);
const CATCH_UP_DEADLINE_MS = 2000;

/**
 * Load, decide, append: the whole of command handling. State comes from the membership view
 * the projectors keep; the events go to Kafka and the caller hears back only after Kafka
 * acknowledged them.
 */
export class CommandPipeline {
  /**
   * The decision state of a command, read with those of the commands that arrived while the
   * previous read was running: one round trip for all of them under load (a read per send was
   * the gateway's largest cost at 1,000 sends/s), none delayed when idle.
   */
  private readonly readDecisionState: (query: DecisionQuery) => Promise<DecisionState>;

  constructor(
    private readonly pool: Pool,
    private readonly log: EventLog,
    private readonly limits: Config['limits'],
  ) {
    const views = new InboxStore(pool, INBOX_READER_SCHEMA);
    this.readDecisionState = batchWhileBusy((queries) => views.decisionStates(queries));
  }

  async run(actor: Principal, command: ConversationCommand): Promise<ConversationEvent[]> {
    const events = await this.decide(actor, command);
    await this.append(events);
    return events;
  }

  /**
   * The events a command decides on the view, not yet appended (a send decides while its
   * "once" claim is being taken): refusals throw, after the view caught up when they may only
   * mean it is behind.
   */
  decide(actor: Principal, command: ConversationCommand): Promise<ConversationEvent[]> {
    const ctx = { ...sourceOf(actor), limits: this.limits };
    return this.decideCaughtUp(
      () => this.load(actor, command),
      (state) => decide(command, state, ctx),
    );
  }

  /** Appends decided events; resolves once Kafka acknowledged them. */
  append(events: ChatEvent[]): Promise<void> {
    return this.log.append(events);
  }

  /**
   * A member's own setting about a conversation (mute): its event is not the conversation's
   * and goes to another topic, but it is decided on the same membership view, with the same
   * catch-up before a refusal counts.
   */
  async runAsMember<E extends ChatEvent>(
    actor: Principal,
    conversationId: string,
    decideFor: MemberDecider<E>,
  ): Promise<E[]> {
    const source = sourceOf(actor);
    const load = () =>
      this.loadState({ conversationId, memberIds: [actor.userId], messageId: null, sentBy: null });
    const events = await this.decideCaughtUp(load, (state) => {
      try {
        return { ok: true, events: [decideFor(state.conversation, source)] };
      } catch (error) {
        if (error instanceof DomainError) return { ok: false, error };
        throw error;
      }
    });
    await this.append(events);
    return events;
  }

  private async decideCaughtUp<E extends ChatEvent>(
    load: () => Promise<DecisionState>,
    decideOn: (
      state: DecisionState,
    ) => { ok: true; events: E[] } | { ok: false; error: DomainError },
  ): Promise<E[]> {
    let decision = decideOn(await load());
    if (!decision.ok && MAYBE_STALE.has(decision.error.code)) {
      // A refusal is only an answer once the view has read the log as far as it was when the
      // request came: a view still behind may not yet hold the conversation the client has.
      if (!(await this.catchUp())) {
        throw refuse(
          'views-behind',
          'the membership view has not caught up with the log yet; retry',
        );
      }
      decision = decideOn(await load());
    }
    if (!decision.ok) throw decision.error;
    return decision.events;
  }

  private load(actor: Principal, command: ConversationCommand): Promise<DecisionState> {
    return this.loadState({
      conversationId: command.conversationId,
      memberIds: membersNeeded(actor, command),
      messageId:
        command.type === 'SendMessage'
          ? command.replyTo
          : 'messageId' in command
            ? command.messageId
            : null,
      sentBy:
        command.type === 'SendMessage'
          ? { senderId: actor.userId, clientMessageId: command.clientMessageId }
          : null,
    });
  }

  private async loadState(query: DecisionQuery): Promise<DecisionState> {
    try {
      return await this.readDecisionState(query);
    } catch (error) {
      throw refuse(
        'views-unavailable',
        `the membership view cannot be read: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Waits for the membership view to reach the log end; false past the deadline. */
  async catchUp(): Promise<boolean> {
    return waitForProjection(
      {
        pool: this.pool,
        admin: await this.log.admin(),
        projection: PROJECTIONS.inbox,
        topic: TOPICS.conversations,
      },
      CATCH_UP_DEADLINE_MS,
    ).catch(() => false);
  }
}

/** Decides a member's own event from the conversation's state; throws a DomainError to refuse. */
export type MemberDecider<E extends ChatEvent> = (
  conversation: ConversationState | null,
  source: EnvelopeSource,
) => E;

/** The envelope source of a request's events: its actor, now, fresh ids. */
export const sourceOf = (actor: Principal): EnvelopeSource => ({
  actor,
  now: Date.now(),
  correlationId: randomUUID(),
  newEventId: randomUUID,
});

/**
 * Membership commands look at the whole group (its size, who inherits admin); every other
 * command only at the actor's own membership, so a send to a 1,000-member group reads one row.
 */
function membersNeeded(actor: Principal, command: ConversationCommand): string[] | null {
  switch (command.type) {
    case 'CreateDirectConversation':
    case 'CreateGroup':
    case 'AddMember':
    case 'RemoveMember':
    case 'ChangeRole':
    case 'LeaveConversation':
      return null;
    default:
      return [actor.userId];
  }
}
