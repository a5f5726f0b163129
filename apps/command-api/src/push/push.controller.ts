import { Controller, Delete, Get, Inject, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import {
  ChangeConversationMuteCommand,
  conversationParams,
  RegisterPushSubscriptionCommand,
  UnregisterPushSubscriptionCommand,
} from '@chat/commands';
import { Actor } from '../auth/auth.guard';
import { CONFIG } from '@chat/platform';
import { ApiCommand, ApiRead, JsonBody, PathParams } from '../http/openapi';
import { muteBody, pushAccepted, pushSubscriptionBody, vapidPublicKey } from './push-schemas';

/**
 * Web Push subscriptions of the caller's device and mutes of their conversations. Each is an
 * event in the log (topic chat.notifications.v1); the notifier in the projectors reads them.
 */
@ApiTags('push')
@Controller()
export class PushController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get('v1/push/vapid-public-key')
  @ApiRead({
    summary: "The server's VAPID public key: the applicationServerKey for pushManager.subscribe",
    response: vapidPublicKey,
    refusals: [],
  })
  vapidPublicKey() {
    return { publicKey: this.config.push.vapid.publicKey };
  }

  @Put('v1/me/push-subscription')
  @ApiCommand({
    summary: "Register (or replace) this device's Web Push subscription",
    response: pushAccepted,
    refusals: [],
  })
  register(
    @Actor() actor: Principal,
    @JsonBody(pushSubscriptionBody) { endpoint, keys }: z.infer<typeof pushSubscriptionBody>,
  ) {
    return this.commands.execute(new RegisterPushSubscriptionCommand(actor, { endpoint, ...keys }));
  }

  @Delete('v1/me/push-subscription')
  @ApiCommand({
    summary: "Remove this device's Web Push subscription",
    response: pushAccepted,
    refusals: [],
  })
  unregister(@Actor() actor: Principal) {
    return this.commands.execute(new UnregisterPushSubscriptionCommand(actor));
  }

  @Put('v1/conversations/:conversationId/mute')
  @ApiCommand({
    summary: 'Mute or unmute push notifications of a conversation, for all your devices',
    response: pushAccepted,
    refusals: [403, 404],
  })
  mute(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(muteBody) { muted }: z.infer<typeof muteBody>,
  ) {
    return this.commands.execute(
      new ChangeConversationMuteCommand(actor, { conversationId, muted }),
    );
  }
}
