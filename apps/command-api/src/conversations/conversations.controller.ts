import { Controller, Delete, Post, Put, Res, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '@chat/auth';
import { directConversationId } from '@chat/domain';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody, PathParams } from '../http/openapi';
import { ExecuteConversationCommand } from './conversation-commands';
import {
  accepted,
  acceptedResponse,
  addMemberBody,
  changeRoleBody,
  conversationParams,
  createDirectBody,
  createGroupBody,
  memberParams,
} from '@chat/commands';

/** Creating conversations and changing who is in them. */
@ApiTags('conversations')
@Controller('v1/conversations')
export class ConversationsController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('direct')
  @ApiCommand({
    summary: 'Open the direct conversation with a user (200 with created=false if it exists)',
    response: acceptedResponse.extend({ created: z.boolean() }),
    statuses: [200, 202],
    refusals: [],
  })
  async createDirect(
    @Actor() actor: Principal,
    @JsonBody(createDirectBody) { peerId }: z.infer<typeof createDirectBody>,
    @Res({ passthrough: true }) response: Response,
  ) {
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
    response: acceptedResponse,
    refusals: [422],
  })
  async createGroup(
    @Actor() actor: Principal,
    @JsonBody(createGroupBody) { title, members }: z.infer<typeof createGroupBody>,
  ) {
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
    response: acceptedResponse,
    refusals: [403, 404, 409, 422],
  })
  async addMember(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(addMemberBody) { userId, role }: z.infer<typeof addMemberBody>,
  ) {
    return this.run(actor, { type: 'AddMember', conversationId, userId, role });
  }

  @Delete(':conversationId/members/:userId')
  @ApiCommand({
    summary: 'Remove a member (group admins; yourself means leave)',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async removeMember(
    @Actor() actor: Principal,
    @PathParams(memberParams) { conversationId, userId }: z.infer<typeof memberParams>,
  ) {
    return this.run(actor, { type: 'RemoveMember', conversationId, userId });
  }

  @Put(':conversationId/members/:userId/role')
  @ApiCommand({
    summary: "Change a member's role (group admins)",
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  async changeRole(
    @Actor() actor: Principal,
    @PathParams(memberParams) { conversationId, userId }: z.infer<typeof memberParams>,
    @JsonBody(changeRoleBody) { role }: z.infer<typeof changeRoleBody>,
  ) {
    return this.run(actor, { type: 'ChangeRole', conversationId, userId, role });
  }

  @Post(':conversationId/leave')
  @ApiCommand({
    summary: 'Leave a group (the oldest member becomes admin if no admin is left)',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  async leave(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
  ) {
    return this.run(actor, { type: 'LeaveConversation', conversationId });
  }

  private async run(actor: Principal, command: ExecuteConversationCommand['command']) {
    const events = await this.commands.execute(new ExecuteConversationCommand(actor, command));
    return accepted(command.conversationId, events);
  }
}
