import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from '../conversations/conversation-plan';

/** A member's one reaction on a message, replacing theirs. */
export class ReactToMessageCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'AddReaction'>,
  ) {
    super();
  }
}
