import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { PushSubscriptionKeys } from '@chat/domain';
import type { Appended } from '../accepted';

/** This device's Web Push subscription, registered or replacing the one it had. */
export class RegisterPushSubscriptionCommand extends Command<Appended> {
  constructor(
    readonly actor: Principal,
    readonly subscription: PushSubscriptionKeys,
  ) {
    super();
  }
}
