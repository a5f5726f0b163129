import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from './conversation-plan';

/** A new group; its creator is its first admin. */
export class CreateGroupCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly group: Omit<ConversationCommandInput<'CreateGroup'>, 'conversationId'>,
  ) {
    super();
  }
}
