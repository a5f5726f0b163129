import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from '../conversations/conversation-plan';

/** A message deleted for everyone (its author or a group admin), its media with it. */
export class DeleteMessageCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'DeleteMessage'>,
  ) {
    super();
  }
}
