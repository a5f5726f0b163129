import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changePresenceSettings } from '@chat/domain';
import { appended } from '../accepted';
import { CommandPipeline } from '../pipeline/command-pipeline';
import { ChangePresenceSettingsCommand } from './change-presence-settings.command';

@CommandHandler(ChangePresenceSettingsCommand)
export class ChangePresenceSettingsHandler implements ICommandHandler<ChangePresenceSettingsCommand> {
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  async execute({ actor, lastSeenVisible }: ChangePresenceSettingsCommand) {
    const { eventIds } = await this.pipeline.execute({
      actor,
      load: null,
      decide: (_state, ctx) => [changePresenceSettings(lastSeenVisible, ctx)],
    });
    return appended(eventIds);
  }
}
