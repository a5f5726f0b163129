import { Controller, Post, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { Principal } from '@chat/auth';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody, PathParams } from '../http/openapi';
import {
  AcknowledgeDeliveredCommand,
  acceptedResponse,
  conversationParams,
  deliveredBody,
  MarkReadCommand,
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
  delivered(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(deliveredBody) { upToSeq, deviceId }: z.infer<typeof deliveredBody>,
  ) {
    return this.commands.execute(
      new AcknowledgeDeliveredCommand(actor, {
        conversationId,
        upToSeq,
        deviceId: deviceId ?? null,
      }),
    );
  }

  @Post('read')
  @ApiCommand({
    summary: 'Mark read up to a seq',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  read(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(readBody) { upToSeq }: z.infer<typeof readBody>,
  ) {
    return this.commands.execute(new MarkReadCommand(actor, { conversationId, upToSeq }));
  }
}
