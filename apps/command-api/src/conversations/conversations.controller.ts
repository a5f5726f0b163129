import { Body, Controller, Delete, Param, Post, Put, Res, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '@chat/auth';
import { directConversationId } from '@chat/domain';
import { Actor } from '../auth/auth.guard';
import { ApiCommand } from '../http/openapi';
import { validate } from '../http/validate';
import { accepted } from './accepted';
import { ExecuteConversationCommand } from './conversation-commands';
import {
  acceptedResponse,
  addMemberBody,
  changeRoleBody,
  conversationParams,
  createDirectBody,
  createGroupBody,
  memberParams,
} from './request-schemas';

/** Creating conversations and changing who is in them. */
@ApiTags('conversations')
@Controller('v1/conversations')
export class ConversationsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('direct')
  @ApiCommand({
    summary: 'Open the direct conversation with a user (200 with created=false if it exists)',
    body: createDirectBody,
    response: acceptedResponse.extend({ created: z.boolean() }),
    refusals: [],
  })
  async createDirect(
    @Actor() actor: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { peerId } = validate(createDirectBody, body);
    const conversationId = directConversationId(actor.userId, peerId);
    const events = await this.commands.execute(
      new ExecuteConversationCommand(actor, {
        type: 'CreateDirectConversation',
        conversationId,
        peerId,
      }),
    );
    if (events.length === 0) response.status(200);
    return { ...accepted(conversationId, events), created: events.length > 0 };
  }

  @Post('groups')
  @ApiCommand({
    summary: 'Create a group; the creator is its first admin',
    body: createGroupBody,
    response: acceptedResponse,
    refusals: [422],
  })
  async createGroup(@Actor() actor: Principal, @Body() body: unknown) {
    const { title, members } = validate(createGroupBody, body);
    const conversationId = `group-${randomUUID()}`;
    const events = await this.commands.execute(
      new ExecuteConversationCommand(actor, {
        type: 'CreateGroup',
        conversationId,
        title,
        members,
      }),
    );
    return accepted(conversationId, events);
  }

  @Post(':conversationId/members')
  @ApiCommand({
    summary: 'Add a member (group admins)',
    body: addMemberBody,
    response: acceptedResponse,
    refusals: [403, 404, 409, 422],
  })
  async addMember(@Actor() actor: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId } = validate(conversationParams, params, 'path');
    const { userId, role } = validate(addMemberBody, body);
    return this.run(actor, { type: 'AddMember', conversationId, userId, role });
  }

  @Delete(':conversationId/members/:userId')
  @ApiCommand({
    summary: 'Remove a member (group admins; yourself means leave)',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async removeMember(@Actor() actor: Principal, @Param() params: unknown) {
    const { conversationId, userId } = validate(memberParams, params, 'path');
    return this.run(actor, { type: 'RemoveMember', conversationId, userId });
  }

  @Put(':conversationId/members/:userId/role')
  @ApiCommand({
    summary: "Change a member's role (group admins)",
    body: changeRoleBody,
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async changeRole(@Actor() actor: Principal, @Param() params: unknown, @Body() body: unknown) {
    const { conversationId, userId } = validate(memberParams, params, 'path');
    const { role } = validate(changeRoleBody, body);
    return this.run(actor, { type: 'ChangeRole', conversationId, userId, role });
  }

  @Post(':conversationId/leave')
  @ApiCommand({
    summary: 'Leave a group (the oldest member becomes admin if no admin is left)',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async leave(@Actor() actor: Principal, @Param() params: unknown) {
    const { conversationId } = validate(conversationParams, params, 'path');
    return this.run(actor, { type: 'LeaveConversation', conversationId });
  }

  private async run(actor: Principal, command: ExecuteConversationCommand['command']) {
    const events = await this.commands.execute(new ExecuteConversationCommand(actor, command));
    return accepted(command.conversationId, events);
  }
}
