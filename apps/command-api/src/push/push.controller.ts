import { Controller, Delete, Get, Inject, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@chat/auth';
import type { Config } from '@chat/config';
import {
  changeConversationMute,
  registerPushSubscription,
  unregisterPushSubscription,
} from '@chat/domain';
import {
  appended,
  conversationParams,
  sourceOf,
  type CommandHandling,
  type EventLog,
} from '@chat/commands';
import type { ChatEvent } from '@chat/events';
import { Actor } from '../auth/auth.guard';
import { CONFIG } from '@chat/platform';
import { ApiCommand, ApiRead, JsonBody, PathParams } from '../http/openapi';
import { COMMAND_HANDLING, EVENT_LOG } from '../log/tokens';
import { checkPushEndpoint } from './endpoint-policy';
import { muteBody, pushAccepted, pushSubscriptionBody, vapidPublicKey } from './push-schemas';

/**
 * Web Push subscriptions of the caller's device and mutes of their conversations. Each is an
 * event in the log (topic chat.notifications.v1); the notifier in the projectors reads them.
 */
@ApiTags('push')
@Controller()
export class PushController {
  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(COMMAND_HANDLING) private readonly handling: CommandHandling,
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
  async register(
    @Actor() actor: Principal,
    @JsonBody(pushSubscriptionBody) { endpoint, keys }: z.infer<typeof pushSubscriptionBody>,
  ) {
    checkPushEndpoint(endpoint, this.config.push);
    return this.append(registerPushSubscription({ endpoint, ...keys }, sourceOf(actor)));
  }

  @Delete('v1/me/push-subscription')
  @ApiCommand({
    summary: "Remove this device's Web Push subscription",
    response: pushAccepted,
    refusals: [],
  })
  async unregister(@Actor() actor: Principal) {
    return this.append(unregisterPushSubscription(sourceOf(actor)));
  }

  @Put('v1/conversations/:conversationId/mute')
  @ApiCommand({
    summary: 'Mute or unmute push notifications of a conversation, for all your devices',
    response: pushAccepted,
    refusals: [403, 404],
  })
  async mute(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(muteBody) { muted }: z.infer<typeof muteBody>,
  ) {
    const events = await this.handling.runAsMember(actor, conversationId, (conversation, source) =>
      changeConversationMute(conversation, { conversationId, muted }, source),
    );
    return appended(events);
  }

  /**
   * A device's own event, decided from the token alone (one without a device is refused,
   * 400 device-required), answered once Kafka has it.
   */
  private async append(event: ChatEvent) {
    await this.log.append([event]);
    return appended([event]);
  }
}
