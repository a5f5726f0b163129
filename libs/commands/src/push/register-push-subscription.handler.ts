import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { registerPushSubscription } from '@chat/domain';
import { appended } from '../accepted';
import { CommandConnections } from '../pipeline/command-connections';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { checkPushEndpoint } from './endpoint-policy';
import { RegisterPushSubscriptionCommand } from './register-push-subscription.command';

@CommandHandler(RegisterPushSubscriptionCommand)
export class RegisterPushSubscriptionHandler implements ICommandHandler<RegisterPushSubscriptionCommand> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(CommandConnections) private readonly connections: CommandConnections,
  ) {}

  async execute({ actor, subscription }: RegisterPushSubscriptionCommand) {
    const { push } = this.connections.config;
    // A device's own event, decided from the token alone (one without a device is refused).
    const { eventIds } = await this.pipeline.execute({
      actor,
      load: null,
      decide: (_state, ctx) => {
        checkPushEndpoint(subscription.endpoint, push);
        return [registerPushSubscription(subscription, ctx)];
      },
    });
    return appended(eventIds);
  }
}
