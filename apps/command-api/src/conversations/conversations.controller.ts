import { Controller, Delete, Post, Put, Res, Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import type { Principal } from '@chat/auth';
import { Actor } from '../auth/auth.guard';
import { ApiCommand, JsonBody, PathParams } from '../http/openapi';
import {
  acceptedResponse,
  addMemberBody,
  AddMemberCommand,
  changeRoleBody,
  ChangeMemberRoleCommand,
  conversationParams,
  createDirectBody,
  CreateDirectConversationCommand,
  createGroupBody,
  CreateGroupCommand,
  LeaveConversationCommand,
  memberParams,
  RemoveMemberCommand,
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
    const opened = await this.commands.execute(new CreateDirectConversationCommand(actor, peerId));
    if (!opened.created) response.status(200);
    return opened;
  }

  @Post('groups')
  @ApiCommand({
    summary: 'Create a group; the creator is its first admin',
    response: acceptedResponse,
    refusals: [422],
  })
  createGroup(
    @Actor() actor: Principal,
    @JsonBody(createGroupBody) group: z.infer<typeof createGroupBody>,
  ) {
    return this.commands.execute(new CreateGroupCommand(actor, group));
  }

  @Post(':conversationId/members')
  @ApiCommand({
    summary: 'Add a member (group admins)',
    response: acceptedResponse,
    refusals: [403, 404, 409, 422],
  })
  addMember(
    @Actor() actor: Principal,
    @PathParams(conversationParams) { conversationId }: z.infer<typeof conversationParams>,
    @JsonBody(addMemberBody) member: z.infer<typeof addMemberBody>,
  ) {
    return this.commands.execute(new AddMemberCommand(actor, { conversationId, ...member }));
  }

  @Delete(':conversationId/members/:userId')
  @ApiCommand({
    summary: 'Remove a member (group admins; yourself means leave)',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  removeMember(
    @Actor() actor: Principal,
    @PathParams(memberParams) member: z.infer<typeof memberParams>,
  ) {
    return this.commands.execute(new RemoveMemberCommand(actor, member));
  }

  @Put(':conversationId/members/:userId/role')
  @ApiCommand({
    summary: "Change a member's role (group admins)",
    response: acceptedResponse,
    refusals: [403, 404, 409],
  })
  changeRole(
    @Actor() actor: Principal,
    @PathParams(memberParams) member: z.infer<typeof memberParams>,
    @JsonBody(changeRoleBody) { role }: z.infer<typeof changeRoleBody>,
  ) {
    return this.commands.execute(new ChangeMemberRoleCommand(actor, { ...member, role }));
  }

  @Post(':conversationId/leave')
  @ApiCommand({
    summary: 'Leave a group (the oldest member becomes admin if no admin is left)',
    response: acceptedResponse,
    refusals: [403, 404],
  })
  leave(
    @Actor() actor: Principal,
    @PathParams(conversationParams) conversation: z.infer<typeof conversationParams>,
  ) {
    return this.commands.execute(new LeaveConversationCommand(actor, conversation));
  }
}
