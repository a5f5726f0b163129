import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Appended } from '../accepted';

/** Push notifications of a conversation muted or unmuted, for all the member's devices. */
export class ChangeConversationMuteCommand extends Command<Appended> {
  constructor(
    readonly actor: Principal,
    readonly change: { conversationId: string; muted: boolean },
  ) {
    super();
  }
}
