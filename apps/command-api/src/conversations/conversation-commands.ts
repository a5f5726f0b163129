import { Injectable, Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { ConversationCommand } from '@chat/domain';
import type { ConversationEvent } from '@chat/events';
import type { CommandHandling, SendOutcome } from '@chat/commands';
import { COMMAND_HANDLING } from '../log/tokens';

type SendMessage = Extract<ConversationCommand, { type: 'SendMessage' }>;

/** Any conversation command but a send: decided and appended, or refused. */
export class ExecuteConversationCommand extends Command<ConversationEvent[]> {
  constructor(
    readonly actor: Principal,
    readonly command: Exclude<ConversationCommand, SendMessage>,
  ) {
    super();
  }
}

/** A send: the same, at most once per sender and client message id. */
export class SendMessageCommand extends Command<SendOutcome> {
  constructor(
    readonly actor: Principal,
    readonly command: SendMessage,
  ) {
    super();
  }
}

@Injectable()
@CommandHandler(ExecuteConversationCommand)
export class ExecuteConversationCommandHandler implements ICommandHandler<ExecuteConversationCommand> {
  constructor(@Inject(COMMAND_HANDLING) private readonly handling: CommandHandling) {}

  execute({ actor, command }: ExecuteConversationCommand) {
    return this.handling.run(actor, command);
  }
}

@Injectable()
@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  constructor(@Inject(COMMAND_HANDLING) private readonly handling: CommandHandling) {}

  execute({ actor, command }: SendMessageCommand) {
    return this.handling.sendMessage(actor, command);
  }
}
