import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';

/** The direct conversation of two users, opened if it is not yet (`created` says which). */
export class CreateDirectConversationCommand extends Command<Accepted & { created: boolean }> {
  constructor(
    readonly actor: Principal,
    readonly peerId: string,
  ) {
    super();
  }
}
