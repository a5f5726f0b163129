import type { CommandBus } from '@nestjs/cqrs';
import type { Logger } from '@chat/observability';
import type { ClientFrameType } from '@chat/protocol';
import type { ChatQueries } from '@chat/views';
import type { RateRefusal } from '../limits/budgets';
import type { Session } from './session';

/** What a session and its frame handlers need from the gateway. */
export interface SessionDeps {
  queries: ChatQueries;
  /** The command bus every transport shares (libs/commands), run in this process. */
  commands: Pick<CommandBus, 'execute'>;
  logger: Logger;
  /** Tells the members who may see this user that they are typing (throttled per user). */
  relayTyping(conversationId: string, userId: string, connectionId: string): Promise<void>;
  /** Why this user's frame is not taken now (its budget, see limits/budgets), or null. */
  refusal(userId: string, type: ClientFrameType): RateRefusal | null;
  watchPresence(session: Session, userIds: string[]): void;
  unwatchPresence(session: Session, userIds: string[]): void;
}

export const SESSION_DEPS = Symbol('SESSION_DEPS');
