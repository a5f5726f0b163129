import { Controller, Post, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody, PathParams } from '../http/openapi';
import { ExecuteConversationCommand } from './conversation-commands';
import {
  accepted,
  acceptedResponse,
  conversationParams,
  deliveredBody,
  readBody,
} from '@chat/commands';

/** Cumulative receipts: one acknowledgement covers every message up to a seq. */
@ApiTags('receipts')
@Controller('v1/conversations/:conversationId')
export class ReceiptsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('delivered')
  @ApiCommand({
    summary: 'Acknowledge delivery up to a seq, for one device',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async delivered(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(deliveredBody) { upToSeq, deviceId }: z.infer<typeof deliveredBody>,
  ) {
    const command = {
      type: 'AcknowledgeDelivered' as const,
      conversationId,
      upToSeq,
      deviceId: deviceId ?? null,
    };
    return accepted(
      conversationId,
      await this.commands.execute(new ExecuteConversationCommand(actor, command)),
    );
  }

  @Post('read')
  @ApiCommand({
    summary: 'Mark read up to a seq',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async read(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(readBody) { upToSeq }: z.infer<typeof readBody>,
  ) {
    const command = { type: 'MarkRead' as const, conversationId, upToSeq };
    return accepted(
      conversationId,
      await this.commands.execute(new ExecuteConversationCommand(actor, command)),
    );
  }
}
