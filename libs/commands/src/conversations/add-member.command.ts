import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from './conversation-plan';

/** A member added to a group (group admins). */
export class AddMemberCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'AddMember'>,
  ) {
    super();
  }
}
