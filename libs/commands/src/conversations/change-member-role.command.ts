import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from './conversation-plan';

/** A member's role changed (group admins). */
export class ChangeMemberRoleCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'ChangeRole'>,
  ) {
    super();
  }
}
