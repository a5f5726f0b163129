import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from '../conversations/conversation-plan';

/** A member's reaction taken back, if it is this one. */
export class RemoveReactionCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'RemoveReaction'>,
  ) {
    super();
  }
}
