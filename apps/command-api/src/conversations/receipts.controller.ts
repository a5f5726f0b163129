import { Body, Controller, Param, Post, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '@chat/auth';
import { Actor } from '../auth/auth.guard';
import { ApiCommand } from '../http/openapi';
import { validate } from '../http/validate';
import { accepted } from './accepted';
import { ExecuteConversationCommand } from './conversation-commands';
import { acceptedResponse, conversationParams, deliveredBody, readBody } from './request-schemas';

/** Cumulative receipts: one acknowledgement covers every message up to a seq. */
@ApiTags('receipts')
@Controller('v1/conversations/:conversationId')
export class ReceiptsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('delivered')
  @ApiCommand({
    summary: 'Acknowledge delivery up to a seq, for one device',
    body: deliveredBody,
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async delivered(@Actor() actor: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId } = validate(conversationParams, params, 'path');
    const { upToSeq, deviceId } = validate(deliveredBody, body);
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
    body: readBody,
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async read(@Actor() actor: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId } = validate(conversationParams, params, 'path');
    const { upToSeq } = validate(readBody, body);
    const command = { type: 'MarkRead' as const, conversationId, upToSeq };
    return accepted(
      conversationId,
      await this.commands.execute(new ExecuteConversationCommand(actor, command)),
    );
  }
}
