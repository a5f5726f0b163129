import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@chat/auth';
import {
  DomainError,
  type DecisionContext,
  type DecisionState,
  type EnvelopeSource,
  type RejectionCode,
} from '@chat/domain';
import type { ChatEvent } from '@chat/events';
import { refuse } from '../problem';
import { CommandBudget } from './command-budget';
import { CommandConnections } from './command-connections';
import type { CommandPlan } from './command-plan';
import { DecisionStates } from './decision-states';
import { SendOnce, type CommandOutcome } from './send-once';
import { SendOrder } from './send-order';
import { ViewsCatchUp } from './views-catch-up';

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

/** The state of a command decided from the token alone. */
const NO_STATE: DecisionState = { conversation: null };

const ignore = () => undefined;
const idsOf = (events: ChatEvent[]) => events.map((event) => event.envelope.eventId);

type Decision<E> = { ok: true; events: E[] } | { ok: false; error: DomainError };

/** What a command did, and what its side effect gave (a signed URL, the media moved). */
export interface PlanOutcome<P> extends CommandOutcome {
  prepared: P | undefined;
}

/**
 * Load, decide, append: the one way every command is handled, whatever carried it. The steps
 * run in one order: the user's budget (a refused command takes no place), a send's place and
 * turn, the early decision before any side effect, the side effect, the "once" claim, the
 * decision on the membership view, the append. The caller hears back only after Kafka
 * acknowledged the events.
 */
@Injectable()
export class CommandPipeline {
  constructor(
    @Inject(CommandConnections) private readonly connections: CommandConnections,
    @Inject(CommandBudget) private readonly budget: CommandBudget,
    @Inject(SendOrder) private readonly order: SendOrder,
    @Inject(DecisionStates) private readonly states: DecisionStates,
    @Inject(ViewsCatchUp) private readonly views: ViewsCatchUp,
    @Inject(SendOnce) private readonly once: SendOnce,
  ) {}

  execute<E extends ChatEvent, P = never>(plan: CommandPlan<E, P>): Promise<PlanOutcome<P>> {
    const spent = this.budget.spend(plan.actor.userId);
    if (!plan.admission) return spent.then(() => this.handle(plan));
    const { orderKey } = plan.admission;
    return this.order.run(plan.actor.userId, orderKey, spent, () => this.handle(plan));
  }

  private async handle<E extends ChatEvent, P>(plan: CommandPlan<E, P>): Promise<PlanOutcome<P>> {
    let prepared: P | undefined;
    if (plan.prepare) {
      // Decided before the side effect: a command refused here must leave nothing behind. It
      // is decided again before the append; this one only refuses early.
      if ('probe' in plan.prepare) await this.decided(plan, plan.prepare.probe);
      prepared = await plan.prepare.run();
    }
    if (!plan.once) {
      const events = await this.decided(plan, prepared);
      await this.connections.log.append(events);
      return { replayed: false, eventIds: idsOf(events), prepared };
    }
    // The decision is read while the claim is being taken (one round trip instead of two
    // before the append); it is dropped unless this request takes the claim at once.
    const early = this.decided(plan, prepared);
    early.catch(ignore);
    const outcome = await this.once.run(plan.once(prepared), async (firstTry) => {
      const events = await (firstTry ? early : this.decided(plan, prepared));
      await this.connections.log.append(events);
      return idsOf(events);
    });
    return { ...outcome, prepared };
  }

  /**
   * The events the plan decides on the view: refusals throw, after the view caught up when
   * they may only mean it is behind.
   */
  private async decided<E extends ChatEvent, P>(
    plan: CommandPlan<E, P>,
    prepared: P | undefined,
  ): Promise<E[]> {
    const ctx: DecisionContext = {
      ...sourceOf(plan.actor),
      limits: this.connections.config.limits,
    };
    let decision = await this.decideOnView(plan, ctx, prepared);
    if (!decision.ok && plan.load && MAYBE_STALE.has(decision.error.code)) {
      // A refusal is only an answer once the view has read the log as far as it was when the
      // request came: a view still behind may not yet hold the conversation the client has.
      if (!(await this.views.caughtUp())) {
        throw refuse(
          'views-behind',
          'the membership view has not caught up with the log yet; retry',
        );
      }
      decision = await this.decideOnView(plan, ctx, prepared);
    }
    if (!decision.ok) throw decision.error;
    return decision.events;
  }

  private async decideOnView<E extends ChatEvent, P>(
    plan: CommandPlan<E, P>,
    ctx: DecisionContext,
    prepared: P | undefined,
  ): Promise<Decision<E>> {
    const state = plan.load ? await this.states.of(plan.load) : NO_STATE;
    try {
      return { ok: true, events: plan.decide(state, ctx, prepared) };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error };
      throw error;
    }
  }
}

/** The envelope source of a command's events: its actor, now, fresh ids. */
export const sourceOf = (actor: Principal): EnvelopeSource => ({
  actor,
  now: Date.now(),
  correlationId: randomUUID(),
  newEventId: randomUUID,
});
