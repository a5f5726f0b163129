import { Controller, Inject, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '@chat/auth';
import { changePresenceSettings } from '@chat/domain';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody } from '../http/openapi';
import { appended, type EventLog } from '@chat/commands';
import { EVENT_LOG } from '../log/tokens';

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
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  @Put('presence-settings')
  @ApiCommand({
    summary: 'Show or hide your last seen time',
    response: presenceSettingsAccepted,
    refusals: [],
  })
  async change(
    @Actor() actor: Principal,
    @JsonBody(presenceSettingsBody) { lastSeenVisible }: z.infer<typeof presenceSettingsBody>,
  ) {
    const event = changePresenceSettings(lastSeenVisible, {
      actor,
      now: Date.now(),
      correlationId: randomUUID(),
      newEventId: randomUUID,
    });
    await this.log.append([event]);
    return appended([event]);
  }
}
