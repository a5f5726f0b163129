import { Controller, Delete, Patch, Post, Put, Res, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody, PathParams } from '../http/openapi';
import {
  acceptedResponse,
  bytesOf,
  conversationParams,
  DeleteMessageCommand,
  EditMessageCommand,
  editMessageBody,
  messageParams,
  ReactToMessageCommand,
  reactionParams,
  RemoveReactionCommand,
  SendMessageCommand,
  sendMessageBody,
  unreactionParams,
} from '@chat/commands';

type ReactionParams = z.infer<typeof reactionParams>;

/** Sending, editing, deleting and reacting to messages. */
@ApiTags('messages')
@Controller('v1/conversations/:conversationId/messages')
export class MessagesController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

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
    const sent = await this.commands.execute(
      new SendMessageCommand(actor, conversationId, message),
    );
    if (sent.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return sent.accepted;
  }

  @Patch(':messageId')
  @ApiCommand({
    summary: 'Edit your message',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  edit(
    @Actor() actor: Principal,
    @PathParams(messageParams) message: z.infer<typeof messageParams>,
    @JsonBody(editMessageBody) { body, ciphertext }: z.infer<typeof editMessageBody>,
  ) {
    return this.commands.execute(
      new EditMessageCommand(actor, { ...message, body, ciphertext: bytesOf(ciphertext) }),
    );
  }

  @Delete(':messageId')
  @ApiCommand({
    summary: 'Delete a message for everyone (its author or a group admin)',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  delete(
    @Actor() actor: Principal,
    @PathParams(messageParams) message: z.infer<typeof messageParams>,
  ) {
    return this.commands.execute(new DeleteMessageCommand(actor, message));
  }

  @Put(':messageId/reactions/:emoji')
  @ApiCommand({
    summary: 'React to a message with one emoji, replacing your reaction',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  react(@Actor() actor: Principal, @PathParams(reactionParams) reaction: ReactionParams) {
    return this.commands.execute(new ReactToMessageCommand(actor, reaction));
  }

  @Delete(':messageId/reactions/:emoji')
  @ApiCommand({
    summary: 'Take your reaction back, if it is this one',
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  unreact(@Actor() actor: Principal, @PathParams(unreactionParams) reaction: ReactionParams) {
    return this.commands.execute(new RemoveReactionCommand(actor, reaction));
  }
}
