import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from '../conversations/conversation-plan';

/** Read up to a seq. */
export class MarkReadCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'MarkRead'>,
  ) {
    super();
  }
}
