import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Accepted } from '../accepted';
import type { ConversationCommandInput } from '../conversations/conversation-plan';

/** Delivery acknowledged up to a seq, for one device. */
export class AcknowledgeDeliveredCommand extends Command<Accepted> {
  constructor(
    readonly actor: Principal,
    readonly input: ConversationCommandInput<'AcknowledgeDelivered'>,
  ) {
    super();
  }
}
