import { Controller, Inject, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@chat/auth';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody } from '../http/openapi';
import { ChangePresenceSettingsCommand } from '@chat/commands';

export const presenceSettingsBody = z
  .object({
    lastSeenVisible: z
      .boolean()
      .describe('False hides when you were last online from everyone else'),
  })
  .strict();

const presenceSettingsAccepted = z.object({ eventIds: z.array(z.string()) }).strict();

/**
 * The user's own presence settings. Online and last seen themselves come from the gateway's
 * connections, not from commands.
 */
@ApiTags('presence')
@Controller('v1/me')
export class PresenceSettingsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put('presence-settings')
  @ApiCommand({
    summary: 'Show or hide your last seen time',
    response: presenceSettingsAccepted,
    refusals: [],
  })
  change(
    @Actor() actor: Principal,
    @JsonBody(presenceSettingsBody) { lastSeenVisible }: z.infer<typeof presenceSettingsBody>,
  ) {
    return this.commands.execute(new ChangePresenceSettingsCommand(actor, lastSeenVisible));
  }
}
