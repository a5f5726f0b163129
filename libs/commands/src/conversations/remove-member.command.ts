import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from './conversation-plan';

/** A member removed from a group (group admins; yourself means leave). */
export class RemoveMemberCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'RemoveMember'>,
  ) {
    super();
  }
}
