import { Body, Controller, Delete, Param, Patch, Post, Put, Res, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '@chat/auth';
import { messageIdFor } from '@chat/domain';
import { Actor } from '../auth/auth.guard';
import { ApiCommand } from '../http/openapi';
import { validate } from '../http/validate';
import { accepted } from './accepted';
import { ExecuteConversationCommand, SendMessageCommand } from './conversation-commands';
import {
  acceptedResponse,
  conversationParams,
  editMessageBody,
  messageParams,
  reactionParams,
  sendMessageBody,
} from './request-schemas';

const bytesOf = (ciphertext: { algorithm: string; data: string } | null) =>
  ciphertext && { algorithm: ciphertext.algorithm, data: Buffer.from(ciphertext.data, 'base64') };

/** Sending, editing, deleting and reacting to messages. */
@ApiTags('messages')
@Controller('v1/conversations/:conversationId/messages')
export class MessagesController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @ApiCommand({
    summary: 'Send a message; a retry with the same clientMessageId returns the first result',
    body: sendMessageBody,
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async send(
    @Actor() actor: Principal,
    @Param() params: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { conversationId } = validate(conversationParams, params, 'path');
    const message = validate(sendMessageBody, body);
    const messageId = messageIdFor(actor.userId, message.clientMessageId);
    const { replayed } = await this.commands.execute(
      new SendMessageCommand(actor, {
        type: 'SendMessage',
        conversationId,
        messageId,
        ...message,
        ciphertext: bytesOf(message.ciphertext),
      }),
    );
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return accepted(conversationId, [], messageId);
  }

  @Patch(':messageId')
  @ApiCommand({
    summary: 'Edit your message',
    body: editMessageBody,
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async edit(@Actor() actor: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId, messageId } = validate(messageParams, params, 'path');
    const edit = validate(editMessageBody, body);
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
  async delete(@Actor() actor: Principal, @Param() params: unknown) {
    const { conversationId, messageId } = validate(messageParams, params, 'path');
    return this.run(actor, { type: 'DeleteMessage', conversationId, messageId });
  }

  @Put(':messageId/reactions/:emoji')
  @ApiCommand({
    summary: 'React to a message',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async react(@Actor() actor: Principal, @Param() params: unknown) {
    const { conversationId, messageId, emoji } = validate(reactionParams, params, 'path');
    return this.run(actor, { type: 'AddReaction', conversationId, messageId, emoji });
  }

  @Delete(':messageId/reactions/:emoji')
  @ApiCommand({
    summary: 'Take a reaction back',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async unreact(@Actor() actor: Principal, @Param() params: unknown) {
    const { conversationId, messageId, emoji } = validate(reactionParams, params, 'path');
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
