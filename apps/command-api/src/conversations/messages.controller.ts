import { Controller, Delete, Patch, Post, Put, Res, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody, PathParams } from '../http/openapi';
import { COMMAND_HANDLING } from '../log/tokens';
import { ExecuteConversationCommand, SendMessageCommand } from './conversation-commands';
import {
  accepted,
  bytesOf,
  type CommandHandling,
  acceptedResponse,
  conversationParams,
  editMessageBody,
  messageParams,
  reactionParams,
  unreactionParams,
  sendAccepted,
  sendMessageBody,
} from '@chat/commands';

type ReactionParams = z.infer<typeof reactionParams>;

/** Sending, editing, deleting and reacting to messages. */
@ApiTags('messages')
@Controller('v1/conversations/:conversationId/messages')
export class MessagesController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(COMMAND_HANDLING) private readonly handling: CommandHandling,
  ) {}

  @Post()
  @ApiCommand({
    summary: 'Send a message; a retry with the same clientMessageId returns the first result',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async send(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(sendMessageBody) message: z.infer<typeof sendMessageBody>,
    @Res({ passthrough: true }) response: Response,
  ) {
    // The guard spent the user's budget already: the rate limit comes before the place.
    return this.handling.admitted(actor.userId, async () => {
      // Media is checked first, in the handling every transport shares.
      const command = await this.handling.prepareSend(actor, conversationId, message);
      const { replayed, eventIds } = await this.commands.execute(
        new SendMessageCommand(actor, command),
      );
      if (replayed) response.setHeader('Idempotent-Replayed', 'true');
      return sendAccepted(command, eventIds);
    });
  }

  @Patch(':messageId')
  @ApiCommand({
    summary: 'Edit your message',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async edit(
    @Actor() actor: Principal,
    @PathParams(messageParams) { conversationId, messageId }: z.infer<typeof messageParams>,
    @JsonBody(editMessageBody) edit: z.infer<typeof editMessageBody>,
  ) {
    return this.run(actor, {
      type: 'EditMessage',
      conversationId,
      messageId,
      body: edit.body,
      ciphertext: bytesOf(edit.ciphertext),
    });
  }

  @Delete(':messageId')
  @ApiCommand({
    summary: 'Delete a message for everyone (its author or a group admin)',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async delete(
    @Actor() actor: Principal,
    @PathParams(messageParams) { conversationId, messageId }: z.infer<typeof messageParams>,
  ) {
    const accepted = await this.run(actor, { type: 'DeleteMessage', conversationId, messageId });
    await this.handling.removeMedia(conversationId, messageId);
    return accepted;
  }

  @Put(':messageId/reactions/:emoji')
  @ApiCommand({
    summary: 'React to a message with one emoji, replacing your reaction',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async react(
    @Actor() actor: Principal,
    @PathParams(reactionParams) { conversationId, messageId, emoji }: ReactionParams,
  ) {
    return this.run(actor, { type: 'AddReaction', conversationId, messageId, emoji });
  }

  @Delete(':messageId/reactions/:emoji')
  @ApiCommand({
    summary: 'Take your reaction back, if it is this one',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async unreact(
    @Actor() actor: Principal,
    @PathParams(unreactionParams) { conversationId, messageId, emoji }: ReactionParams,
  ) {
    return this.run(actor, { type: 'RemoveReaction', conversationId, messageId, emoji });
  }

  private async run(actor: Principal, command: ExecuteConversationCommand['command']) {
    const events = await this.commands.execute(new ExecuteConversationCommand(actor, command));
    return accepted(
      command.conversationId,
      events,
      'messageId' in command ? command.messageId : undefined,
    );
  }
}
