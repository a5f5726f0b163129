import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from './conversation-plan';

/** Leaving a group (the oldest member becomes admin if no admin is left). */
export class LeaveConversationCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'LeaveConversation'>,
  ) {
    super();
  }
}
