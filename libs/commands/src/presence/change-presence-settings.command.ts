import { Command } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { Appended } from '../accepted';

/** Whether others may see when the user was last online. */
export class ChangePresenceSettingsCommand extends Command<Appended> {
  constructor(
    readonly actor: Principal,
    readonly lastSeenVisible: boolean,
  ) {
    super();
  }
}
