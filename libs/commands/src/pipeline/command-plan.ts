import type { Principal } from '@chat/auth';
import type { DecisionContext, DecisionQuery, DecisionState } from '@chat/domain';
import type { ChatEvent } from '@chat/events';
import type { OnceClaim } from './send-once';

/**
 * How the pipeline runs one command: each step it takes, declared by the command's handler.
 * Every command spends one token of its user's budget first; the steps are then run in one
 * order, whatever transport carried the command: admission and order, the early decision and
 * the side effect it guards, the "once" claim, the decision, the append.
 */
export interface CommandPlan<E extends ChatEvent, P = never> {
  actor: Principal;
  /**
   * Sends: a place among the process's unanswered sends (SendAdmission), and their order per
   * sender and conversation (SendOrder), under this key.
   */
  admission?: { orderKey: string };
  /** The decision state to read from the membership view; null: decided from the token alone. */
  load: DecisionQuery | null;
  /**
   * A side effect the command needs before it is decided (media moved under a message, an
   * upload URL signed). When `probe` is given, the command is decided on it first, so a command
   * that would be refused (a non-member's send) leaves nothing behind.
   */
  prepare?: { probe?: P; run(): Promise<P> };
  /** The events of the command, or a DomainError thrown to refuse it. Pure. */
  decide(state: DecisionState, ctx: DecisionContext, prepared: P | undefined): E[];
  /** At most once per key (sends: sender and client message id). */
  once?: (prepared: P | undefined) => OnceClaim;
}
