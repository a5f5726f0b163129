import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { unregisterPushSubscription } from '@chat/domain';
import { appended } from '../accepted';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { UnregisterPushSubscriptionCommand } from './unregister-push-subscription.command';

@CommandHandler(UnregisterPushSubscriptionCommand)
export class UnregisterPushSubscriptionHandler implements ICommandHandler<UnregisterPushSubscriptionCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor }: UnregisterPushSubscriptionCommand) {
    const { eventIds } = await this.pipeline.execute({
      actor,
      load: null,
      decide: (_state, ctx) => [unregisterPushSubscription(ctx)],
    });
    return appended(eventIds);
  }
}
