import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Appended } from '../accepted';

/** This device's Web Push subscription removed, whatever endpoint it had. */
export class UnregisterPushSubscriptionCommand extends Command<Appended> {
  constructor(readonly actor: Principal) {
    super();
  }
}
