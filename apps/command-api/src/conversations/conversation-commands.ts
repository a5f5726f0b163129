import { Injectable, Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@chat/auth';
import type { ConversationCommand } from '@chat/domain';
import type { ConversationEvent } from '@chat/events';
import { CommandPipeline } from './command-pipeline';
import { SendIdempotency } from './send-idempotency';

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
export class SendMessageCommand extends Command<{ replayed: boolean }> {
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
  constructor(@Inject(CommandPipeline) private readonly pipeline: CommandPipeline) {}

  execute({ actor, command }: ExecuteConversationCommand) {
    return this.pipeline.run(actor, command);
  }
}

@Injectable()
@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  constructor(
    @Inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @Inject(SendIdempotency) private readonly idempotency: SendIdempotency,
  ) {}

  execute({ actor, command }: SendMessageCommand) {
    return this.idempotency.once(actor.userId, command, () => this.pipeline.run(actor, command));
  }
}
